/** `check` on real inputs (--shape, --inputs), default sizes the graph accepts, and outputs judged by their kind. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpz } from '../../data/npz.js';
import { fromNumbers } from '../../ir/tensor.js';
import { saveModelFile } from '../../onnx/save.js';
import { prune } from '../../prune/prune.js';
import { peakPickingCnn, reflectPadAudio } from '../../prune/testing/verify-models.test-helpers.js';
import { main } from '../main.js';
import { tempDir } from '../../fs/temp-dir.test-helpers.js';

function cli() {
  const out: string[] = [],
    err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}
const dir = tempDir('pg-check-inputs-');
const f = (name: string) => join(dir, name);

describe('check on real inputs', () => {
  beforeAll(() => {
    const peaks = peakPickingCnn();
    const plan = { channels: [{ group: 'c1.weight#0', ratio: 0.5 }] };
    saveModelFile(peaks, f('peaks.onnx'));
    saveModelFile(prune(peaks, plan).model, f('peaks.pruned.onnx'));
    writeFileSync(f('peaks.plan.json'), JSON.stringify(plan));
    const audio = reflectPadAudio(16);
    saveModelFile(audio, f('audio.onnx'));
    saveModelFile(prune(audio, { channels: [{ group: 'bank.weight#0', ratio: 0.5 }] }).model, f('audio.pruned.onnx'));
  });

  it(
    'says how each output was judged (text and --json): agreement behind Equal/ArgMax, ' + 'tolerance otherwise',
    async () => {
      const args = [
        'check',
        '--dense',
        f('peaks.onnx'),
        '--pruned',
        f('peaks.pruned.onnx'),
        '--plan',
        f('peaks.plan.json'),
      ];
      const c = cli();
      expect(await main(args, c.io)).toBe(0);
      const text = c.out.join('\n');
      expect(text).toMatch(/peaks by agreement \(100\.00% agree, needs 99%; through Equal 'is_peak'/);
      expect(text).toMatch(/label by agreement .*through ArgMax 'label'/);
      expect(text).toMatch(/logits by tolerance \(max \|Δ\|/);
      const j = cli();
      expect(await main([...args, '--json'], j.io)).toBe(0);
      expect(j.out.join('')).toMatch(/heatmap by tolerance/);
    },
  );

  it(
    'default sizes are long enough for a reflect Pad; --shape too short is the dense model failing (exit 2, ' +
      'naming it)',
    async () => {
      const base = ['check', '--dense', f('audio.onnx'), '--pruned', f('audio.pruned.onnx')];
      const ok = cli();
      expect(await main(base, ok.io)).toBe(0);
      const short = cli();
      expect(await main([...base, '--shape', 'samples=1,1,8'], short.io)).toBe(2);
      expect(short.err.join('')).toMatch(/audio\.onnx: dense model cannot run on these inputs \(samples=\[1,1,8\]\)/);
    },
  );

  it('--inputs FILE.npz runs the structural invariants on the sample', async () => {
    writeFileSync(
      f('sample.npz'),
      writeNpz({
        samples: fromNumbers(
          'float32',
          [1, 1, 40],
          Array.from({ length: 40 }, (_, i) => Math.cos(i / 5)),
        ),
      }),
    );
    const c = cli();
    expect(
      await main(
        ['check', '--dense', f('audio.onnx'), '--pruned', f('audio.pruned.onnx'), '--inputs', f('sample.npz')],
        c.io,
      ),
    ).toBe(0);
    expect(c.out.join('\n')).toMatch(/at samples=\[1,1,40\]/);
  });
});
