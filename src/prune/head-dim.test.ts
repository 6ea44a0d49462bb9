/**
 * head_dim on the decoder fixtures (scripts/make_llm_fixtures.py): q·k channels with their RoPE pairs
 * (rotate_half: i with i + hd/2; GPT-J interleaved: 2i with 2i+1; ALiBi: none) and v channels are
 * groups; removing one per layer equals the mask oracle, shrinks the KV cache's head_dim, and a
 * pruner that pairs i with the wrong partner computes something else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import type { Model } from '../ir/types.js';
import { compareTensors, createSession, randomInputs, releaseSession, run, type Feeds } from '../runtime/index.js';
import { analyzeGroups, type Group, type GroupAnalysis } from './groups.js';
import { copyModel } from './prepare.js';
import { prune } from './prune.js';
import { ratioPlan } from './plan-resolve.js';
import { keptIndices, takeAlong, zeroAlong } from './slice.js';
import { verify } from './verify.js';

const DIR = 'fixtures/models';
interface Entry {
  file: string;
  family: string;
  inputs: { name: string }[];
  sizes: Record<string, number[]>[];
}
const all: Entry[] = (JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')) as { models: Entry[] }).models.filter(
  (e) => e.family === 'decoder-llama',
);
/** Full-width RoPE (or none): one q·k group per layer. The partial rotary fixture has its own tests below. */
const decoders = all.filter((e) => !e.file.startsWith('phi_partial'));
const feedsOf = (dense: Model, e: Entry) => e.sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab: 64 }));
/** How each fixture pairs head_dim channels through RoPE (head_dim 8). */
const pairing = (file: string) =>
  file.startsWith('gptj') ? 'interleaved' : file.startsWith('alibi') ? 'none' : 'half';
const headDims = (a: GroupAnalysis, part: 'qk' | 'v') => a.groups.filter((g) => g.headDim?.part === part);

it('finds the six decoder fixtures', () => {
  expect(decoders.map((d) => pairing(d.file)).sort()).toEqual(['half', 'half', 'half', 'interleaved', 'none']);
  expect(all.map((d) => d.file)).toContain('phi_partial_rope_op17.onnx');
});

describe('head_dim groups', () => {
  for (const e of decoders) {
    it(`${e.file}: q·k channels (${pairing(e.file)} RoPE pairing) and v channels, one group each per layer`, () => {
      const a = analyzeGroups(loadModelFile(`${DIR}/${e.file}`));
      const [qk, v] = [headDims(a, 'qk'), headDims(a, 'v')];
      const kv = a.attention.filter((u) => !u.query).map((u) => u.id);
      expect(qk.map((g) => g.id)).toEqual(kv.map((id) => `${id}/head_dim_qk`));
      expect(v.map((g) => g.id)).toEqual(kv.map((id) => `${id}/head_dim_v`));
      const perChannel = pairing(e.file) === 'none' ? 1 : 2;
      for (const g of qk) {
        expect([g.blocked, g.maskExact, g.zeroStored, g.channels]).toEqual([undefined, true, true, 8 / perChannel]);
        expect(g.headDim).toMatchObject({ size: 8, perChannel });
        // Channel 0 in a q_proj column block of every head: rotate_half pairs 0 with 4, GPT-J 0 with 1.
        const pair = { half: [0, 4], interleaved: [0, 1], none: [0] }[pairing(e.file)];
        const qProj = g.members.reduce((x, y) => (y.indices[0].length > x.indices[0].length ? y : x));
        expect(qProj.indices[0].slice(0, 2 * pair.length)).toEqual([...pair, ...pair.map((p) => p + 8)]);
        // The RoPE tables are sliced along (one column per head_dim index, every head reads it).
        const tables = g.members.filter((m) => /(cos|sin)_cached/.test(m.tensor));
        expect(tables.map((t) => t.indices[0])).toEqual(pairing(e.file) === 'none' ? [] : [pair, pair]);
      }
      for (const g of v)
        expect([g.blocked, g.maskExact, g.zeroStored, g.channels]).toEqual([undefined, true, undefined, 8]);
    });
  }
});

describe('removing one head_dim channel per layer', () => {
  for (const e of decoders) {
    for (const part of ['qk', 'v'] as const) {
      const what = part === 'v' ? 'v channel' : pairing(e.file) === 'none' ? 'q·k channel' : 'RoPE pair';
      it(`${e.file}: one ${what} per layer equals the mask oracle`, async () => {
        const dense = loadModelFile(`${DIR}/${e.file}`);
        const analysis = analyzeGroups(dense);
        const groups = headDims(analysis, part);
        const plan = { channels: groups.map((g, i) => ({ group: g.id, indices: [(i + 1) % g.channels] })) };
        const { model: pruned, report } = prune(dense, plan, { analysis });
        const feeds = feedsOf(dense, e);
        const verified = await verify(dense, pruned, plan, feeds);
        expect(verified.shapeMismatch).toBeUndefined();
        expect(verified.prunedError).toBeUndefined();
        expect(verified).toMatchObject({ exact: true, status: 'pass' });
        expect(verified.maxDeviation).toBeLessThan(1e-4);
        const removed = groups[0].headDim!.perChannel;
        // The cache of the pruned projection (keys for q·k, values for v) loses those head_dim positions.
        const kind = part === 'qk' ? 'key' : 'value';
        const cacheIo = e.inputs.some((i) => i.name.startsWith('past'))
          ? ['past_key_values.0', 'past_key_values.1', 'present.0', 'present.1'].map((n) => `${n}.${kind}`)
          : [];
        expect(report.interface.map((c) => c.name).sort()).toEqual(cacheIo.sort());
        for (const c of report.interface) expect([c.before?.[3], c.after?.[3]]).toEqual([8, 8 - removed]);
        // The oracle can fail: another channel removed deviates from this plan's oracle.
        if (part === 'qk') {
          const other = prune(dense, {
            channels: groups.map((g, i) => ({ group: g.id, indices: [(i + 2) % g.channels] })),
          }).model;
          expect((await verify(dense, other, plan, feeds)).maxDeviation).toBeGreaterThan(1e-2);
        }
        console.log(
          `${e.file}: head_dim ${part} 8 → ${8 - removed} per layer, params ${report.paramsBefore} → ` +
            `${report.paramsAfter}, ${report.interface.length} cache values shrink, ` +
            `max deviation ${verified.maxDeviation.toExponential(2)}`,
        );
      });
    }
  }
});

/**
 * The model a pruner writes when it removes head_dim positions `wrong` of every head (channel 0's
 * partner replaced), with the structure of the right pruning of channel 0 (same shapes), and the
 * masked dense model for the same positions. Head size 8: a member's axis is a multiple of it.
 */
function wronglyPaired(analysis: GroupAnalysis, right: Model, g: Group, wrong: number[]): [Model, Model] {
  const [pruned, masked] = [copyModel(right), copyModel(analysis.model)];
  for (const m of g.members) {
    const dense = analysis.model.graph.initializers.get(m.tensor)!;
    const n = dense.dims[m.axis];
    const removed = Array.from({ length: n / 8 }, (_, h) => wrong.map((w) => h * 8 + w)).flat();
    pruned.graph.initializers.set(m.tensor, takeAlong(dense, m.axis, keptIndices(n, removed)));
    masked.graph.initializers.set(m.tensor, zeroAlong(dense, m.axis, removed));
  }
  return [pruned, masked];
}

describe('the wrong RoPE pairing deviates', () => {
  for (const e of decoders.filter((d) => pairing(d.file) !== 'none')) {
    it(`${e.file}: channel 0 removed with a partner RoPE does not pair it with is not its masking`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const analysis = analyzeGroups(dense);
      const groups = headDims(analysis, 'qk');
      const plan = { channels: groups.map((g) => ({ group: g.id, indices: [0] })) };
      const right = prune(dense, plan, { analysis }).model;
      // rotate_half rotates 0 with 4 (wrong: 1); GPT-J 0 with 1 (wrong: 2).
      const wrong = pairing(e.file) === 'half' ? [0, 1] : [0, 2];
      let [pruned, masked] = [right, copyModel(analysis.model)];
      for (const g of groups) {
        const [p, m] = wronglyPaired(analysis, pruned, g, wrong);
        pruned = p;
        // Both layers' masks in one model: take the masked members of this group into the running copy.
        for (const mem of g.members) masked.graph.initializers.set(mem.tensor, m.graph.initializers.get(mem.tensor)!);
      }
      const [a, b] = [await createSession(pruned), await createSession(masked)];
      let worst = 0;
      for (const f of feedsOf(dense, e)) {
        // Cache inputs: the pruned model reads the kept positions, the masked one zeros in the removed ones.
        const [fa, fb]: Feeds[] = [{ ...f }, { ...f }];
        for (const name of Object.keys(f).filter((n) => n.startsWith('past') && n.endsWith('key'))) {
          fa[name] = takeAlong(f[name], 3, keptIndices(8, wrong));
          fb[name] = zeroAlong(f[name], 3, wrong);
        }
        const [x, y] = [await run(a, fa), await run(b, fb)];
        worst = Math.max(worst, compareTensors(x.logits, y.logits).maxAbs);
      }
      await releaseSession(a);
      await releaseSession(b);
      expect(worst).toBeGreaterThan(1e-2);
      console.log(`${e.file}: head_dim positions [${wrong}] removed without their RoPE partners: ${worst.toFixed(3)}`);
    });
  }
});

describe('--ratio leaves head_dim to plans that name it', () => {
  it('no head_dim group in the uniform plan (R of heads and R of head_dim would compound)', () => {
    const analysis = analyzeGroups(loadModelFile(`${DIR}/${decoders[0].file}`));
    const named = ratioPlan(analysis, 0.3).channels!.map((c) => c.group);
    expect(named.filter((id) => id.includes('/head_dim'))).toEqual([]);
    expect(headDims(analysis, 'qk').length).toBeGreaterThan(0);
  });
});

describe('partial rotary with cos/sin computed from inv_freq (phi_partial_rope)', () => {
  it('pairs only the rotated positions, slices inv_freq along, and equals the mask oracle', async () => {
    const dense = loadModelFile(`${DIR}/phi_partial_rope_op17.onnx`);
    const analysis = analyzeGroups(dense);
    const qk = headDims(analysis, 'qk');
    // The first 4 of 8 positions rotate (pairs 0-2, 1-3); 4..7 pass, one channel each, per layer. One rotary
    // module computes cos/sin for both layers from one inv_freq: its pairs are one group over both layers.
    const [pairs, ...rest] = qk;
    expect(qk.map((g) => [g.channels, g.headDim!.perChannel, g.blocked, g.maskExact])).toEqual([
      [2, 2, undefined, true],
      [4, 1, undefined, true],
      [4, 1, undefined, true],
    ]);
    const invFreq = pairs.members.filter((m) => m.axis === 0 && m.indices[0].length === 1);
    expect(invFreq.map((m) => m.indices.flat())).toEqual([[0, 1]]);
    expect(pairs.members.filter((m) => m.axis === 1).map((m) => m.indices[0].slice(0, 2))).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
    expect(rest.map((g) => g.members[0].indices[0].slice(0, 2))).toEqual([
      [4, 12],
      [4, 12],
    ]);
    const feeds = [1, 2].map((b, i) => randomInputs(dense, { input_ids: [b, 3 + 4 * i] }, { seed: i + 1, vocab: 64 }));
    const planOf = (pair: number) => ({
      channels: qk.map((g, i) => ({ group: g.id, indices: [i === 0 ? pair : i] })),
      guards: { allowSingleChannel: true },
    });
    const plan = planOf(1);
    const { model: pruned, report } = prune(dense, plan, { analysis });
    const verified = await verify(dense, pruned, plan, feeds);
    expect(verified).toMatchObject({ exact: true, status: 'pass' });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
    const other = prune(dense, planOf(0), { analysis }).model;
    expect((await verify(dense, other, plan, feeds)).maxDeviation).toBeGreaterThan(1e-2);
    console.log(
      `phi_partial_rope_op17.onnx: q·k head_dim 8 → 5 (one rotated pair, one passed position), params ` +
        `${report.paramsBefore} → ${report.paramsAfter}, max deviation ${verified.maxDeviation.toExponential(2)}`,
    );
  });
});
