import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../fs/temp-dir.test-helpers.js';
import { main } from '../main.js';

const dir = tempDir('pg-layers-');
const CACHE = 'fixtures/models/llama_gqa_cache_op17.onnx';

async function cli(args: string[]) {
  const out: string[] = [];
  const code = await main(args, { out: (t) => void out.push(t), err: () => {} });
  return { code, text: out.join('\n') };
}

describe('pruneguard layers', () => {
  it('ranks the decoder layers; prune applies the plan it prints (cache interface listed, verify passes)', async () => {
    const r = await cli(['layers', CACHE, '--remove', '1', '--json']);
    expect(r.code).toBe(0);
    const ranked = JSON.parse(r.text);
    expect(ranked.blocks.map((b: { name: string }) => b.name).sort()).toEqual(['layers.0', 'layers.1']);
    expect(ranked.plan.layers).toEqual([{ remove: ranked.blocks[0].name }]);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(ranked.plan));
    const out = join(dir, 'short.onnx');
    const p = await cli(['prune', CACHE, '--plan', planFile, '-o', out, '--verify', '--json']);
    expect(p.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const json = JSON.parse(p.text);
    expect(json.report.layers).toHaveLength(1);
    expect(json.report.interface.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^past_key_values\.\d\.key$/), expect.stringMatching(/^present/)]),
    );
    expect(json.verify.status).toBe('pass');
  });

  it('a post-norm encoder has no removable block: exit 1 with the reason', async () => {
    const r = await cli(['layers', 'fixtures/models/bert_tiny_op17.onnx']);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/no removable residual block: .*post-norm/);
  });
});
