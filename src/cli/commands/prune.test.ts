import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../onnx/load.js';
import { saveModelFile } from '../../onnx/save.js';
import { residualCnn } from '../../prune/testing/models.test-helpers.js';
import { GraphBuilder } from '../../ir/builder/index.js';
import { main } from '../main.js';
import { tempDir } from '../../fs/temp-dir.test-helpers.js';

function io() {
  const out: string[] = [],
    err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('pruneguard prune', () => {
  const dir = tempDir('pg-prune-');
  const model = join(dir, 'm.onnx');
  saveModelFile(residualCnn(), model);

  it('--ratio prunes, writes, reports groups and parameters, and --verify passes', async () => {
    const c = io();
    const out = join(dir, 'out.onnx');
    expect(await main(['prune', model, '--ratio', '0.5', '-o', out, '--verify', '--json'], c.io)).toBe(0);
    const r = JSON.parse(c.out.join(''));
    expect(r.report.paramsAfter).toBeLessThan(r.report.paramsBefore);
    expect(r.report.groups.length).toBe(4);
    expect(r.verify).toMatchObject({ pass: true });
    expect(loadModelFile(out).graph.initializers.get('stem.weight')!.dims[0]).toBe(4);
  });

  it('refuses to overwrite the input, or an existing output without --force (exit 2)', async () => {
    const c = io();
    expect(await main(['prune', model, '--ratio', '0.3', '-o', model], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/refusing to write the pruned model over the input/);
    const out = join(dir, 'exists.onnx');
    writeFileSync(out, 'keep me');
    expect(await main(['prune', model, '--ratio', '0.3', '-o', out], c.io)).toBe(2);
    expect(await main(['prune', model, '--ratio', '0.3', '-o', out, '--force'], c.io)).toBe(0);
  });

  it('a bad plan lists every problem in one line, exit 2, nothing written', async () => {
    const c = io();
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        channels: [
          { group: 'nope', ratio: 2 },
          { group: 'stem.weight', indices: [42] },
        ],
      }),
    );
    const out = join(dir, 'never.onnx');
    expect(await main(['prune', model, '--plan', plan, '-o', out], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/2 problems: channels\[0\]\.ratio.*channels\[1\]\.indices/);
    expect(existsSync(out)).toBe(false);
  });

  it('inspect --json lists groups and attention units', async () => {
    const c = io();
    expect(await main(['inspect', model, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join(''));
    expect(
      j.groups
        .find((g: { id: string }) => g.id === 'b2c2.weight#0')
        .members.some((m: { tensor: string }) => m.tensor === 'b2proj.weight'),
      'b2proj.weight is a member of group b2c2.weight#0',
    ).toBe(true);
    expect(j.attention).toEqual([]);
  });

  it('--ratio with only inexact groups writes nothing and says --include-inexact prunes them (exit 1)', async () => {
    const b = new GraphBuilder({ seed: 4 });
    const x = b.input('input', 'float32', ['batch', 3, 6, 6]);
    const h = b.op(
      'Softmax',
      'softmax',
      [b.conv(x, 8, { kernel: 3, pad: 1, name: 'c1' })],
      'float32',
      ['batch', 8, 6, 6],
      {
        axis: 1,
      },
    );
    b.output(b.conv(h, 4, { kernel: 1, name: 'c2' }), 'y');
    const file = join(dir, 'softmax.onnx');
    saveModelFile(b.build(), file);
    const c = io();
    const out = join(dir, 'softmax-out.onnx');
    expect(await main(['prune', file, '--ratio', '0.5', '-o', out], c.io)).toBe(1);
    const said = c.out.join('');
    expect(said).toMatch(/none of the 1 prunable group\(s\) is mask-exact \(e\.g\. c1\.weight#0: Softmax /);
    expect(said).toMatch(/; --ratio prunes mask-exact groups only, --include-inexact prunes these too/);
    expect(existsSync(out)).toBe(false);
    expect(await main(['prune', file, '--ratio', '0.5', '--include-inexact', '-o', out], io().io)).toBe(0);
  });
});
