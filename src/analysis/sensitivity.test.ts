import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalSetFromArrays } from '../data/eval-set.js';
import type { EvalSet } from '../data/eval-set.js';
import { loadEvalSet } from '../data/load.js';
import { monotoneSensitivityBudget } from '../invariants/monotone-sensitivity-budget.js';
import { fromNumbers } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { allocateBudget } from './budget.js';
import type { SensitivityProfile } from './profile.js';
import { sensitivity, type SensitivityProgress } from './sensitivity.js';
import { formatProfile } from './sensitivity-format.js';
import { planForTarget } from './sensitivity-plan.js';
import { evaluate } from '../data/evaluate.js';
import { prune } from '../prune/prune.js';
import { compareSlices } from './slices-gate.js';
import { weightMacs } from './flops.js';

const root = join(import.meta.dirname, '../..');
const digitsModel = join(root, 'fixtures/models/digits_cnn_op17.onnx');
const digitsData = join(root, 'fixtures/data/digits_eval.npz');
const dir = mkdtempSync(join(tmpdir(), 'pg-sens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sensitivity on the digits CNN with its real evaluation data', () => {
  let model: Model;
  let set: EvalSet;
  let profile: SensitivityProfile;
  beforeAll(async () => {
    model = loadModelFile(digitsModel);
    set = await loadEvalSet(digitsData, { inputNames: ['input'] });
    profile = await sensitivity(model, set, { ratios: [0.2, 0.5] });
    console.log(formatProfile(profile));
  });

  it('early groups are far more sensitive than late ones (measured)', () => {
    const byDepth = [...profile.entries].sort((a, b) => a.depth - b.depth);
    const third = Math.max(1, Math.floor(byDepth.length / 3));
    const mean = (xs: typeof byDepth) => xs.reduce((s, e) => s + e.sensitivity, 0) / xs.length;
    const early = mean(byDepth.slice(0, third));
    const late = mean(byDepth.slice(-third));
    console.log(`mean drop: first third ${early.toFixed(2)} points, last third ${late.toFixed(2)} points`);
    expect(early).toBeGreaterThan(1);
    expect(early).toBeGreaterThan(2 * Math.max(late, 0));
    expect(profile.metric).toBe('accuracy');
    expect(profile.dense).toBeGreaterThan(90);
    expect(profile.entries.filter((e) => !(e.evaluation === 'gated' && e.drops!.length === 2))).toEqual([]);
  });

  it(
    'rated by the worst slice, the groups a rare class depends on show up, ' + 'and the 30% plan keeps the rare slice',
    async () => {
      const worst = await sensitivity(model, set, { ratios: [0.2], slices: true });
      const aggregate = await sensitivity(model, set, { ratios: [0.2] });
      console.log(formatProfile(worst));
      const by = (p: SensitivityProfile) => Object.fromEntries(p.entries.map((e) => [e.group, e.sensitivity]));
      for (const [g, s] of Object.entries(by(aggregate))) expect(by(worst)[g]).toBeGreaterThanOrEqual(s);
      expect(worst.metric).toMatch(/worst of all, rare/);
      const plan = planForTarget(model, worst, 0.3).plan;
      const dense = await evaluate(model, set, { batchSize: 1024 });
      const gate = compareSlices(dense, await evaluate(prune(model, plan).model, set, { batchSize: 1024 }));
      console.log(
        'slice-aware 30% plan',
        JSON.stringify(plan.channels),
        gate.verdicts.map((v) => `${v.slice} ${v.dense.toFixed(1)} -> ${v.pruned.toFixed(1)}`).join(', '),
      );
      expect(gate.findings).toEqual([]);
      await expect(sensitivity(model, set, { slices: ['nope'] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    },
  );

  it('reusing the dense activations (suffix sessions) measures exactly what full gated passes measure', async () => {
    const full = await sensitivity(model, set, { ratios: [0.2, 0.5], suffix: false });
    expect(full.entries).toEqual(profile.entries);
  });

  it('fills the structural facts the caps are decided on', () => {
    const e = Object.fromEntries(profile.entries.map((x) => [x.group, x]));
    expect(e['conv1.weight#0']).toMatchObject({
      kind: 'conv',
      depth: 0,
      classifier: false,
      channels: 16,
      params: 144 + 4 * 16 + 24 * 16 * 9,
    });
    expect(e['conv2.weight#0']).toMatchObject({ kind: 'conv', classifier: false, channels: 24 });
    expect(e['fc1.weight#0']).toMatchObject({
      kind: 'linear',
      classifier: true,
      channels: 64,
      params: 64 * 384 + 64 + 10 * 64,
    });
    expect(e['conv2.weight#0'].depth).toBeLessThan(1 / 3);
    // MACs per example: conv1's own filters (9 per channel) and conv2's input slices (24·9), at 8×8 positions.
    expect(e['conv1.weight#0'].flops).toBe(16 * (9 + 24 * 9) * 64);
  });

  it('a FLOPs target is met as measured on the pruned model, monotone and capped', () => {
    const found = planForTarget(model, profile, 0.3, 'l1', { by: 'flops' });
    const pruned = prune(model, found.plan).model;
    expect(1 - weightMacs(pruned) / weightMacs(model)).toBeCloseTo(found.removed, 10);
    expect(found.removed).toBeGreaterThanOrEqual(0.3);
    expect(monotoneSensitivityBudget({ profile, ratios: found.allocation.ratios })).toEqual([]);
  });

  it('the 30% allocation passes the monotone gate; 45% on the early layers fails it', () => {
    const allocation = allocateBudget(profile, 0.3);
    console.log('allocation for 30%:', allocation.ratios, `removes ${(allocation.removedShare * 100).toFixed(1)}%`);
    expect(monotoneSensitivityBudget({ profile, ratios: allocation.ratios, target: 0.3 })).toEqual([]);
    // The same 30% of the *model's* parameters, measured by pruning the plan (first-order counts overlap).
    const exact = planForTarget(model, profile, 0.3);
    console.log('plan for 30% of the model:', exact.allocation.ratios, `removes ${(exact.removed * 100).toFixed(1)}%`);
    expect(exact.removed).toBeGreaterThanOrEqual(0.3);
    expect(exact.removed).toBeLessThan(0.34);
    expect(monotoneSensitivityBudget({ profile, ratios: exact.allocation.ratios })).toEqual([]);
    expect(() => planForTarget(model, profile, 0.9)).toThrow(/cannot remove 90\.0% of the model's parameters: at most/);
    const early = profile.entries.filter((x) => x.depth < 1 / 3).map((x) => x.group);
    const greedy = Object.fromEntries(profile.entries.map((x) => [x.group, early.includes(x.group) ? 0.45 : 0.1]));
    const findings = monotoneSensitivityBudget({ profile, ratios: greedy, target: 0.3 });
    expect(findings.length).toBeGreaterThan(0);
    expect(
      findings.some((f) => /over its earlyConv cap/.test(f.message)),
      'findings.some((f) => /over its earlyConv cap/.test(f.message))',
    ).toBe(true);
    expect(
      findings.some((f) => /more than the less sensitive/.test(f.message)),
      'findings.some((f) => /more than the less sensitive/.test(f.message))',
    ).toBe(true);
  });

  it('resumes an interrupted sweep from the cache file and reruns for free', async () => {
    const cache = join(dir, 'cache.json');
    let seen = 0;
    await expect(
      sensitivity(model, set, {
        ratios: [0.2, 0.5],
        cache,
        onProgress: () => {
          if (++seen === 3) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const kept = Object.keys(JSON.parse(readFileSync(cache, 'utf8')).entries).length;
    expect(kept).toBe(4); // dense + 3 variants measured before the interruption
    const events: SensitivityProgress[] = [];
    const resumed = await sensitivity(model, set, { ratios: [0.2, 0.5], cache, onProgress: (p) => events.push(p) });
    expect(events.filter((p) => p.cached)).toHaveLength(3);
    expect(resumed.entries).toEqual(profile.entries);
    const again: SensitivityProgress[] = [];
    expect(
      (await sensitivity(model, set, { ratios: [0.2, 0.5], cache, onProgress: (p) => again.push(p) })).entries,
    ).toEqual(profile.entries);
    expect(again.filter((p) => !p.cached)).toEqual([]);
  });

  it('refuses bad input with a code and a message', async () => {
    await expect(sensitivity(model, set, { ratios: [1.2] })).rejects.toMatchObject({
      code: 'E_BAD_ARGUMENT',
      message: expect.stringMatching(/ratio must be in \(0, 1\), got 1.2/),
    });
    await expect(sensitivity(model, set, { groups: ['nope'] })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    const wrong = evalSetFromArrays(
      new Map([['input', fromNumbers('float32', [2, 1, 4, 4], new Array(32).fill(0))]]),
      'wrong.npz',
    );
    await expect(sensitivity(model, wrong)).rejects.toMatchObject({
      code: 'E_BAD_DATA',
      message: expect.stringMatching(/axis 2 is 4, the model expects 8/),
    });
    await expect(sensitivity(model, { ...set, labels: undefined }, { metric: 'accuracy' })).rejects.toMatchObject({
      code: 'E_BAD_ARGUMENT',
    });
  });
});

describe('sensitivity without labels, with a group that is not mask-exact', () => {
  it('measures agreement with the dense model and prunes LayerNorm-coupled groups for real', async () => {
    const model = loadModelFile(join(root, 'fixtures/models/gpt_tiny_op17.onnx'));
    const ids = Array.from({ length: 32 * 6 }, (_, i) => (i * 37 + 11) % 100);
    const set = evalSetFromArrays(new Map([['input_ids', fromNumbers('int64', [32, 6], ids)]]), 'tokens', {
      inputNames: ['input_ids'],
    });
    const profile = await sensitivity(model, set, { ratios: [0.5], heads: true });
    console.log(formatProfile(profile));
    expect((await sensitivity(model, set, { ratios: [0.5], heads: true, suffix: false })).entries).toEqual(
      profile.entries,
    );
    expect(profile.metric).toBe('agreement');
    expect(profile.dense).toBe(100);
    const ln = profile.entries.find((e) => e.group === 'h.0.attn.c_proj.bias#0')!;
    expect(ln).toMatchObject({ evaluation: 'pruned', fallbackReason: expect.stringMatching(/not mask-exact/) });
    expect(profile.entries.find((e) => e.group === 'h.0.mlp.0.bias#0')!.evaluation).toBe('gated');
    expect(profile.entries.find((e) => e.group === 'h.0.attn.c_attn.bias#0')).toMatchObject({
      kind: 'attention',
      evaluation: 'gated',
    });
  });
});

const longModel = join(root, 'fixtures/models/longrange_transformer_op17.onnx');
const longData = join(root, 'fixtures/data/longrange_eval.npz');

describe('per-head probing on the long-range transformer (length-grouped data)', () => {
  it('finds the one head that carries the long-range dependency', async () => {
    const model = loadModelFile(longModel);
    const set = await loadEvalSet(longData, { inputNames: model.graph.inputs.map((i) => i.name) });
    const profile = await sensitivity(model, set, { ratios: [0.25], heads: 'each' });
    console.log(formatProfile(profile));
    const heads = profile.entries
      .filter((e) => e.perHead)
      .flatMap((e) => e.perHead!.map((h) => ({ group: e.group, ...h })));
    const critical = heads.filter((h) => h.drop > 20);
    expect(critical).toHaveLength(1);
    expect(heads.filter((h) => h !== critical[0]).filter((h) => !(h.drop < 2))).toEqual([]);
  });
});
