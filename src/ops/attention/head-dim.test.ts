/**
 * head_dim on the fused-op fixtures (scripts/make_fused_fixtures.py): every fused form either prunes its
 * head_dim groups (ONNX Attention's v: the spec lets v's head size differ) with the oracle agreeing and the
 * value cache shrinking, or blocks them naming the node and why (RotaryEmbedding's tables are not sliced;
 * MultiHeadAttention, GroupQueryAttention and the packed Attention need one head size for q, k and v).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attrFloat } from '../../ir/attrs.js';
import { loadModelFile } from '../../onnx/load.js';
import { analyzeGroups } from '../../prune/groups.js';
import { prune } from '../../prune/prune.js';
import { verify } from '../../prune/verify.js';
import { randomInputs } from '../../runtime/index.js';

const DIR = 'fixtures/models';
interface Entry {
  file: string;
  family: string;
  vocab: number;
  sizes: Record<string, number[]>[];
}
const fixtures: Entry[] = (
  JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as { models: Entry[] }
).models.filter((e) => e.family === 'fused-attention');

const ROTARY = /RotaryEmbedding .*cos\/sin caches .* are not sliced|slicing them along is not supported/;
/** Per fixture: why q·k and v head_dim are blocked (undefined: prunable). */
const EXPECTED: Record<string, { qk: RegExp | undefined; v: RegExp | undefined }> = {
  'fused_attention23_3d_op23.onnx': { qk: ROTARY, v: undefined },
  'fused_attention23_4d_cache_op23.onnx': { qk: ROTARY, v: undefined },
  'fused_ms_mha_cache_op17.onnx': { qk: ROTARY, v: /MultiHeadAttention needs v's head size equal to q's/ },
  'fused_ms_gqa_cache_op17.onnx': {
    qk: /GroupQueryAttention has one head size for q, k and v .*do_rotary/,
    v: /GroupQueryAttention has one head size for q, k and v/,
  },
  'fused_ms_attention_bert_op17.onnx': { qk: undefined, v: /packed QKV projection inside Attention/ },
};

describe('head_dim through fused attention ops', () => {
  for (const e of fixtures) {
    it(`${e.file}: head_dim groups prunable or blocked with the node and reason`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const analysis = analyzeGroups(dense);
      const expected = EXPECTED[e.file];
      for (const part of ['qk', 'v'] as const) {
        const groups = analysis.groups.filter((g) => g.headDim?.part === part);
        // The packed Attention computes q and k inside: only its output (v) head_dim is visible.
        if (e.file.startsWith('fused_ms_attention') && part === 'qk') {
          expect(groups).toEqual([]);
          continue;
        }
        expect(groups.length, `${part} head_dim groups`).toBe(2);
        const why = expected[part];
        if (why) {
          for (const g of groups) expect(g.blocked).toMatch(why);
          continue;
        }
        for (const g of groups) expect([g.blocked, g.maskExact]).toEqual([undefined, true]);
        const plan = { channels: groups.map((g, i) => ({ group: g.id, indices: [i] })) };
        const { model: pruned, report } = prune(dense, plan, { analysis });
        const feeds = e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab: e.vocab }));
        const verified = await verify(dense, pruned, plan, feeds);
        expect(verified.prunedError).toBeUndefined();
        expect(verified).toMatchObject({ exact: true, status: 'pass' });
        expect(verified.maxDeviation).toBeLessThan(1e-4);
        const values = report.interface.filter((c) => /value/.test(c.name));
        expect(values.length).toBe(report.interface.length);
        for (const c of report.interface) expect([c.before?.[3], c.after?.[3]]).toEqual([8, 7]);
        // v's head size is free of the q·k scale: no scale attribute needed.
        for (const n of pruned.graph.nodes.filter((x) => x.opType === 'Attention'))
          expect(attrFloat(n, 'scale')).toBeUndefined();
        console.log(
          `${e.file}: v head_dim 8 → 7 per layer, ${report.interface.length} cache values shrink, ` +
            `max deviation ${verified.maxDeviation.toExponential(2)}`,
        );
      }
    });
  }
});
