/**
 * The Llama-style decoder fixtures (scripts/make_llm_fixtures.py): onnxruntime
 * reproduces the torch outputs saved beside them, so the pruning tests below
 * start from exports that compute what PyTorch computed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readArraysFile } from '../data/npz.js';
import { loadModelFile } from '../onnx/load.js';
import { analyzeGroups } from './groups.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';
import { compareTensors, createSession, randomInputs, releaseSession, run, type Feeds } from '../runtime/index.js';
import { prune } from './prune.js';
import { ratioPlan } from './plan-resolve.js';
import type { Model } from '../ir/types.js';
import { verify } from './verify.js';

const DIR = 'fixtures/models';
const MANIFEST = `${DIR}/manifest.json`;
interface Entry {
  file: string;
  family: string;
  reference?: string;
  inputs: { name: string }[];
  outputs: { name: string }[];
  sizes: Record<string, number[]>[];
}
// Committed fixtures: a missing manifest fails the file, a missing model fails its test.
const decoders: Entry[] = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Entry[] }).models.filter(
  (e) => e.family === 'decoder-llama',
);

it('finds the committed decoder fixtures', () => {
  expect(decoders.map((d) => d.file)).toContainEqual(expect.stringMatching(/^llama_gqa_cache/));
});

describe('Llama-style decoder fixtures', () => {
  for (const e of decoders) {
    it(`${e.file}: onnxruntime reproduces the torch reference`, async () => {
      const arrays = readArraysFile(e.reference!);
      const feeds: Feeds = Object.fromEntries(e.inputs.map((i) => [i.name, arrays.get(i.name)!]));
      const session = await createSession(loadModelFile(`${DIR}/${e.file}`));
      const out = await run(session, feeds);
      await releaseSession(session);
      for (const o of e.outputs) {
        const c = compareTensors(out[o.name], arrays.get(o.name)!, { atol: 1e-5, rtol: 1e-4 });
        expect(c.pass, `${o.name}: max abs ${c.maxAbs} ${c.reason ?? ''}`).toBe(true);
      }
    });
  }
});

const hasCache = (e: Entry) => e.inputs.some((i) => i.name.startsWith('past'));
/** Feeds at the manifest's sizes (the cache ones feed the past too). */
const feedsOf = (dense: Model, e: Entry) => e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab: 64 }));

describe('removing one KV head per layer', () => {
  for (const e of decoders.filter((d) => !hasCache(d))) {
    it(`${e.file}: equals the mask oracle at several sequence lengths`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const units = analyzeGroups(dense).attention.filter((u) => !u.query);
      expect(units.length).toBe(2);
      for (const u of units) expect(u.blocked).toBeUndefined();
      const plan = { heads: units.map((u, i) => ({ attention: u.id, remove: [(i + 1) % u.heads] })) };
      const sizes = [1, 4, 9].map((t, i) => ({ input_ids: [1 + (i % 2), t] }));
      const { report, verified } = await pruneAndVerify(dense, plan, sizes, 64);
      expect(report.heads.map((h) => h.after)).toEqual(units.map((u) => u.heads - 1));
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      console.log(
        `${e.file}: heads ${units.map((u) => u.heads).join(',')} → ${report.heads.map((h) => h.after).join(',')}, ` +
          `params ${report.paramsBefore} → ${report.paramsAfter}, ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });
  }
});

describe('query heads within KV groups', () => {
  for (const e of decoders.filter((d) => /gqa/.test(d.file))) {
    it(`${e.file}: every group loses the same query heads, n_rep rewritten, the oracle agrees`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const all = analyzeGroups(dense).attention;
      const [kv, query] = [all.filter((u) => !u.query), all.filter((u) => u.query)];
      const nRep = query[0].heads;
      expect(query.map((u) => [u.id, u.heads, u.blocked])).toEqual(kv.map((u) => [`${u.id}/query`, nRep, undefined]));
      // Layer 0 loses query head 1 of each KV group; layer 1 query head 0 of each and its KV head 0.
      const plan = {
        heads: [
          { attention: query[0].id, remove: [1] },
          { attention: query[1].id, remove: [0] },
          { attention: kv[1].id, remove: [0] },
        ],
      };
      const { model: pruned, report } = prune(dense, plan);
      expect(report.heads.map((h) => h.after)).toEqual([nRep - 1, nRep - 1, 1]);
      // q_proj keeps kv × (n_rep - 1) heads of 8 in layer 0, (kv - 1) × (n_rep - 1) in layer 1.
      const qProj = (m: Model, layer: number) => {
        const mm = m.graph.nodes.find((n) => n.name === `/layers.${layer}/self_attn/q_proj/MatMul`)!;
        return m.graph.initializers.get(mm.inputs[1])!.dims;
      };
      expect([qProj(pruned, 0), qProj(pruned, 1)]).toEqual([
        [32, 2 * (nRep - 1) * 8],
        [32, (nRep - 1) * 8],
      ]);
      const feeds = feedsOf(dense, e);
      const verified = await verify(dense, pruned, plan, feeds);
      expect(verified.shapeMismatch).toBeUndefined();
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      // The oracle can fail: other query heads removed deviate from this plan's oracle.
      const other = prune(dense, { heads: [{ attention: query[0].id, remove: [0] }, ...plan.heads.slice(1)] }).model;
      expect((await verify(dense, other, plan, feeds)).maxDeviation).toBeGreaterThan(1e-2);
      // Every query head of every group is every head of the layer: refused.
      expect(() =>
        prune(dense, { heads: [{ attention: query[0].id, remove: Array.from({ length: nRep }, (_, i) => i) }] }),
      ).toThrow(/removes every head/);
      console.log(
        `${e.file}: query heads per KV group ${nRep} → ${nRep - 1} (layer 0; layer 1 with KV heads 2 → 1), ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });
  }
});

describe('per-layer plans with guards.roundTo', () => {
  const e = decoders.find((d) => d.file.startsWith('llama_gqa_cache'))!;
  it('per-layer head counts and MLP widths in multiples of 16 features verify; odd widths are refused', async () => {
    const dense = loadModelFile(`${DIR}/${e.file}`);
    const analysis = analyzeGroups(dense);
    const mlp = analysis.groups.filter((g) => g.kind === 'channels' && !g.blocked && g.maskExact);
    const query = analysis.attention.filter((u) => u.query);
    const kv = analysis.attention.filter((u) => !u.query);
    const plan = {
      channels: [
        { group: mlp[0].id, ratio: 0.3 }, // asks to keep 45: rounded up to 48
        { group: mlp[1].id, indices: Array.from({ length: 32 }, (_, i) => 2 * i) }, // keeps 32
      ],
      heads: [{ attention: query[0].id, ratio: 0.5 }], // layer 0: 4 → 2 query heads per group (16 features)
      guards: { roundTo: 16 },
    };
    const { model: pruned, report } = prune(dense, plan, { analysis });
    expect(report.groups.map((g) => [g.after, g.rounded])).toEqual([
      [48, { roundTo: 16, asked: 45 }],
      [32, undefined],
    ]);
    expect(report.heads.map((h) => h.after)).toEqual([2]);
    const verified = await verify(dense, pruned, plan, feedsOf(dense, e));
    expect(verified).toMatchObject({ exact: true });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
    // Keeping 59 channels, 3 query heads (24 features) or 1 KV head (8) is no multiple of 16: refused, saying so.
    expect(() =>
      prune(dense, { channels: [{ group: mlp[0].id, indices: [1, 2, 3, 4, 5] }], guards: { roundTo: 16 } }),
    ).toThrow(/keeps 59 channels of .*guards.roundTo 16 needs a multiple of 16 channels/);
    expect(() => prune(dense, { heads: [{ attention: query[0].id, remove: [3] }], guards: { roundTo: 16 } })).toThrow(
      /keeps 3 heads \(24 features\) of .*guards.roundTo 16 needs a multiple of 2 heads/,
    );
    expect(() => prune(dense, { heads: [{ attention: kv[1].id, remove: [1] }], guards: { roundTo: 16 } })).toThrow(
      /keeps 1 heads \(8 features\) of .*needs a multiple of 2 heads/,
    );
    console.log(
      `${e.file}: per-layer plan (MLP 48/32, query heads per group 2/4, roundTo 16): ` +
        `params ${report.paramsBefore} → ${report.paramsAfter}, ` +
        `max deviation ${verified.maxDeviation.toExponential(2)}`,
    );
  });
});

describe('--ratio 0.3 (mask-exact groups and attention units)', () => {
  for (const e of decoders) {
    it(`${e.file}: prunes MLP channels and heads, verifies green`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const analysis = analyzeGroups(dense);
      const plan = ratioPlan(analysis, 0.3);
      const { model: pruned, report } = prune(dense, plan, { analysis });
      // SwiGLU width 64 → 45 in each layer; 4 query heads per KV group (or 4 MHA heads) → 3; 2 KV heads stay
      // (30% of 2 rounds to none), and so do 2 query heads per group (alibi_gqa).
      expect(report.groups.map((g) => g.after)).toEqual([45, 45]);
      const changed = report.heads.filter((h) => h.before !== h.after).map((h) => h.after);
      expect(changed).toEqual(e.file.startsWith('alibi') ? [] : [3, 3]);
      const verified = await verify(dense, pruned, plan, feedsOf(dense, e));
      expect(verified.shapeMismatch).toBeUndefined();
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      console.log(
        `${e.file}: --ratio 0.3 params ${report.paramsBefore} → ${report.paramsAfter}, ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });
  }
});

describe('a KV cache shrinks with its KV heads', () => {
  for (const e of decoders.filter((d) => d.inputs.some((i) => i.name.startsWith('past')))) {
    it(`${e.file}: cache inputs/outputs lose the removed head, the report lists them, the oracle agrees`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const units = analyzeGroups(dense).attention.filter((u) => !u.query);
      expect(units.map((u) => u.blocked)).toEqual([undefined, undefined]);
      const plan = { heads: units.map((u, i) => ({ attention: u.id, remove: [i % u.heads] })) };
      const { model: pruned, report } = prune(dense, plan);
      const cacheIo = [...e.inputs, ...e.outputs].filter((v) => /^(past|present)/.test(v.name)).map((v) => v.name);
      expect(report.interface.map((c) => c.name).sort()).toEqual(cacheIo.sort());
      for (const c of report.interface) expect([c.before?.[1], c.after?.[1]]).toEqual([2, 1]);
      const feeds = e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab: 64 }));
      const verified = await verify(dense, pruned, plan, feeds);
      expect(verified.shapeMismatch).toBeUndefined();
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      // The oracle can fail: the model pruned of the other head deviates from this plan's oracle.
      const other = prune(dense, {
        heads: units.map((u, i) => ({ attention: u.id, remove: [(i + 1) % u.heads] })),
      }).model;
      expect((await verify(dense, other, plan, feeds)).maxDeviation).toBeGreaterThan(1e-2);
      // --keep-interface refuses the same plan, naming the cache.
      expect(() => prune(dense, plan, { keepInterface: true })).toThrow(
        /KV cache: pruning it changes the model interface/,
      );
      console.log(
        `${e.file}: KV heads 2 → 1 per layer, ${report.interface.length} cache values shrink, ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });
  }
});

describe('removing a whole layer', () => {
  const e = decoders.find((d) => d.file.startsWith('llama_gqa_cache'));
  it('drops the block and its cache, runs in onnxruntime, lists the interface change', async () => {
    const dense = loadModelFile(`${DIR}/${e!.file}`);
    const plan = { version: 1 as const, layers: [{ remove: 'layers.1' }] };
    const { model: pruned, report } = prune(dense, plan);
    expect(report.layers.map((l) => [l.name, l.input])).toEqual([['layers.1', '/layers.0/Add_1_output_0']]);
    expect(
      report.interface.map((c) => `${c.kind} ${c.name} ${c.after === null ? 'removed' : 'changed'}`).sort(),
    ).toEqual([
      'input past_key_values.1.key removed',
      'input past_key_values.1.value removed',
      'output present.1.key removed',
      'output present.1.value removed',
    ]);
    expect(pruned.graph.nodes.some((n) => n.name.startsWith('/layers.1/'))).toBe(false);
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    const feeds = randomInputs(dense, e!.sizes[0], { seed: 3, vocab: 64 });
    const [d, p] = [await createSession(dense), await createSession(pruned)];
    const full = await run(d, feeds);
    const cut = await run(p, Object.fromEntries(Object.entries(feeds).filter(([n]) => p.inputNames.includes(n))));
    await releaseSession(d);
    await releaseSession(p);
    expect(cut.logits.dims).toEqual(full.logits.dims);
    expect(Object.keys(cut).sort()).toEqual(['logits', 'present.0.key', 'present.0.value']);
    // Layer 0's cache is computed exactly as before; the logits are not (a layer is gone).
    expect(compareTensors(cut['present.0.key'], full['present.0.key']).maxAbs).toBe(0);
    expect(compareTensors(cut.logits, full.logits).maxAbs).toBeGreaterThan(1e-3);
    expect(() => prune(dense, plan, { keepInterface: true })).toThrow(/interface changes/);
    expect(() => prune(dense, { layers: [{ remove: 'layers.9' }] })).toThrow(/no node is named under layers.9/);
    // The attention alone is no residual block: its output is no sum with the stream.
    expect(() => prune(dense, { layers: [{ remove: 'layers.0/self_attn' }] })).toThrow(
      /is not (one )?(a )?residual block/,
    );
  });
});
