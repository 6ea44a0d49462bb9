/**
 * The fused-op fixtures (scripts/make_fused_fixtures.py): opset-23 Attention/RotaryEmbedding/
 * RMSNormalization and onnxruntime's com.microsoft Attention, MultiHeadAttention,
 * GroupQueryAttention, RotaryEmbedding and Skip(Simplified)LayerNormalization. On each: the attention
 * units are found and prunable, removing one head (one KV head with its query heads) per layer
 * rewrites the head-count attributes and equals the mask oracle in onnxruntime, and the oracle
 * tells a wrong removal apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attrInt } from '../../ir/attrs.js';
import type { Model } from '../../ir/types.js';
import { loadModelFile } from '../../onnx/load.js';
import { coverage } from '../../prune/coverage.js';
import { analyzeGroups } from '../../prune/groups.js';
import { prunableWeights } from '../../prune/masks/prunable.js';
import { ratioPlan } from '../../prune/plan-resolve.js';
import { prune } from '../../prune/prune.js';
import { verify } from '../../prune/verify.js';
import { randomInputs } from '../../runtime/index.js';

const DIR = 'fixtures/models';
interface Entry {
  file: string;
  family: string;
  vocab: number;
  inputs: { name: string }[];
  sizes: Record<string, number[]>[];
}
const fixtures: Entry[] = (
  JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as { models: Entry[] }
).models.filter((e) => e.family === 'fused-attention');

/** The fused attention node of each layer and the head-count attributes it carries. */
const ATTRS: Record<string, string[]> = {
  Attention: ['q_num_heads', 'kv_num_heads', 'num_heads'],
  MultiHeadAttention: ['num_heads'],
  GroupQueryAttention: ['num_heads', 'kv_num_heads'],
  RotaryEmbedding: ['num_heads'],
};
function headAttrs(model: Model): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of model.graph.nodes)
    for (const a of ATTRS[n.opType] ?? []) {
      const v = attrInt(n, a);
      if (v !== undefined) out[`${n.name}.${a}`] = v;
    }
  return out;
}

it('finds the five committed fused-op fixtures', () => {
  expect(fixtures.map((f) => f.file).sort()).toEqual([
    'fused_attention23_3d_op23.onnx',
    'fused_attention23_4d_cache_op23.onnx',
    'fused_ms_attention_bert_op17.onnx',
    'fused_ms_gqa_cache_op17.onnx',
    'fused_ms_mha_cache_op17.onnx',
  ]);
});

it("onnxruntime's packed Attention weight is a weight for global unstructured masks (com.microsoft ops count)", () => {
  const bert = loadModelFile(`${DIR}/fused_ms_attention_bert_op17.onnx`);
  expect(prunableWeights(bert).filter((w) => w.includes('qkv'))).toEqual([
    'encoder.layer.0.attention.qkv.weight',
    'encoder.layer.1.attention.qkv.weight',
  ]);
});

describe('fused attention fixtures: one head per layer removed', () => {
  for (const e of fixtures) {
    it(`${e.file}: heads prunable, attributes rewritten, pruned equals the mask oracle`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const analysis = analyzeGroups(dense);
      const cov = coverage(analysis, dense);
      expect(cov.analysedPercent).toBeGreaterThanOrEqual(95);
      // What is not analysed is said precisely: only the RoPE tables, which no head removal touches.
      for (const r of cov.notAnalysedReasons) expect(r.reason).toMatch(/^RoPE cos\/sin table: one per head size/);
      const units = analysis.attention;
      expect(units.map((u) => u.blocked)).toEqual([undefined, undefined]);
      const plan = { heads: units.map((u, i) => ({ attention: u.id, remove: [i % u.heads] })) };
      const { model: pruned, report } = prune(dense, plan);
      expect(report.heads.map((h) => h.after)).toEqual(units.map((u) => u.heads - 1));

      // Every head-count attribute shrinks by the heads removed (a KV head takes its n_rep query heads).
      const [before, after] = [headAttrs(dense), headAttrs(pruned)];
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      for (const [k, v] of Object.entries(before)) {
        const perUnit = v / units[0].heads;
        expect(after[k], k).toBe(v - perUnit);
      }
      const cached = e.inputs.some((i) => i.name.startsWith('past'));
      expect(report.interface.length).toBe(cached ? 8 : 0);

      const feeds = e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab: e.vocab }));
      const verified = await verify(dense, pruned, plan, feeds);
      expect(verified.shapeMismatch).toBeUndefined();
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      // The oracle can fail: the model pruned of other heads deviates from this plan's oracle.
      const other = prune(dense, { heads: units.map((u, i) => ({ attention: u.id, remove: [(i + 1) % u.heads] })) });
      expect((await verify(dense, other.model, plan, feeds)).maxDeviation).toBeGreaterThan(1e-2);
      console.log(
        `${e.file}: coverage ${cov.analysedPercent.toFixed(1)}%, ` +
          `heads ${units.map((u) => u.heads)} → ${report.heads.map((h) => h.after)}, ` +
          `params ${report.paramsBefore} → ${report.paramsAfter}, ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });

    it(`${e.file}: --ratio 0.3 (mask-exact groups) prunes, verifies and runs in onnxruntime`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const plan = ratioPlan(analyzeGroups(dense), 0.3);
      const { model: pruned, report } = prune(dense, plan);
      expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
      const feeds = e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 7, vocab: e.vocab }));
      const verified = await verify(dense, pruned, plan, feeds);
      expect([verified.prunedError, verified.shapeMismatch, verified.exact]).toEqual([undefined, undefined, true]);
      expect(verified.maxDeviation).toBeLessThan(1e-4);
    });
  }
});
