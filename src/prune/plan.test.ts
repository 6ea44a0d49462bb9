import { describe, expect, it } from 'vitest';
import type { PruneguardError } from '../errors.js';
import { setConstant } from '../ir/constants.js';
import { GraphBuilder } from '../ir/builder/index.js';
import { analyzeGroups } from './groups.js';
import type { PlanIssue } from './plan.js';
import { keepCount } from './plan-resolve.js';
import { applyNm, nmViolations, reductionAxis } from './masks/index.js';
import { prune } from './prune.js';
import { residualCnn } from './testing/models.test-helpers.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';
import { takeAlong } from './slice.js';
import { fromNumbers } from '../ir/tensor.js';
import type { Plan } from './plan.js';

function issuesOf(f: () => unknown): PlanIssue[] {
  try {
    f();
  } catch (e) {
    expect((e as PruneguardError).code).toBe('E_BAD_PLAN');
    return (e as PruneguardError & { issues: PlanIssue[] }).issues;
  }
  throw new Error('expected E_BAD_PLAN');
}

describe('plans', () => {
  it('reports every problem at once, with paths, structural and name resolution alike', () => {
    const issues = issuesOf(() =>
      prune(residualCnn(), {
        version: 2,
        channels: [
          { group: 'nope', ratio: 0.5 },
          { group: 'stem.weight', ratio: 1 },
          { group: 'b1c1.weight#0', indices: [0, 99] },
          { group: 'b2c1.weight#0', indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
        ],
        heads: [{ attention: 'x', remove: [0] }],
        extra: true,
      } as unknown as Plan),
    ); // deliberately not a Plan: a JSON file's plan is checked at run time
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'channels[0].group',
        'channels[1].ratio',
        'channels[2].indices',
        'channels[3]',
        'extra',
        'heads[0].attention',
        'version',
      ].sort(),
    );
    expect(issues.find((i) => i.path === 'channels[2].indices')).toMatchObject({
      expected: 'indices < 6',
      received: [99],
    });
  });

  it('refuses blocked groups with the reason, and NaN weights', () => {
    const m = residualCnn();
    expect(issuesOf(() => prune(m, { channels: [{ group: 'fc.weight#0', ratio: 0.5 }] }))[0].message).toMatch(
      /graph output logits/,
    );
    const nan = residualCnn();
    const w = nan.graph.initializers.get('b1c1.weight')!;
    const bad = fromNumbers(
      'float32',
      w.dims,
      [...(w.data as Float32Array)].map((v, i) => (i === 5 ? NaN : v)),
    );
    setConstant(nan.graph, { kind: 'initializer', name: 'b1c1.weight' }, bad);
    expect(issuesOf(() => prune(nan, { channels: [{ group: 'b1c1.weight#0', ratio: 0.5 }] }))[0].message).toMatch(
      /b1c1.weight contain NaN/,
    );
  });

  it('guards: never below two channels unless allowed, rounded up to a multiple', () => {
    expect(keepCount(8, 0.99)).toBe(2);
    expect(keepCount(8, 0.99, { allowSingleChannel: true })).toBe(1);
    expect(keepCount(10, 0.3, { roundTo: 4 })).toBe(8);
    expect(keepCount(64, 0.5, { minChannels: 40 })).toBe(40);
  });

  it('importance: L1 removes the channels with the smallest coupled norms; random is seeded', () => {
    const m = residualCnn();
    const a = prune(m, { channels: [{ group: 'b1c1.weight#0', ratio: 0.5, criterion: 'random', seed: 7 }] }).report;
    const b = prune(m, { channels: [{ group: 'b1c1.weight#0', ratio: 0.5, criterion: 'random', seed: 7 }] }).report;
    expect(a.groups[0].removed).toEqual(b.groups[0].removed);
    expect(prune(m, { channels: [{ group: 'b1c1.weight#0', ratio: 0.5 }] }).report.groups[0].removed).toHaveLength(3);
  });
});

describe('N:M after structured removal', () => {
  it('a 2:4 weight sliced along its reduction axis gets its pattern re-applied, never shipped broken', async () => {
    const b = new GraphBuilder({ seed: 9 });
    const x = b.input('x', 'float32', ['n', 8]);
    const h = b.relu(b.linear(x, 16, { name: 'fc1' }));
    b.output(b.linear(h, 4, { name: 'fc2' }), 'y');
    const sparse = applyNm(b.build(), [{ tensor: 'fc2.weight', n: 2, m: 4 }]).model;
    const id = analyzeGroups(sparse).groups.find((g) => g.members.some((mm) => mm.tensor === 'fc1.bias'))!.id;
    // Removing 4 input features of fc2 shifts every later group of 4: the pattern breaks unless re-applied.
    const { model, report } = prune(sparse, { channels: [{ group: id, indices: [0, 5, 6, 11] }] });
    expect(report.nmReapplied).toEqual(['fc2.weight']);
    const axis = reductionAxis(model, 'fc2.weight').axis;
    expect(model.graph.initializers.get('fc2.weight')!.dims[axis]).toBe(12);
    expect(nmViolations(model.graph.initializers.get('fc2.weight')!, 'fc2.weight', 2, 4, axis)).toEqual([]);
  });
});

describe('the oracle catches a wrong pruner', () => {
  it('slicing the wrong BN channels (an off-by-one) deviates from the mask', async () => {
    const dense = residualCnn();
    const plan = { channels: [{ group: 'b1c1.weight#0', indices: [2] }] };
    const good = await pruneAndVerify(dense, plan, [{ x: [1, 3, 8, 8] }]);
    expect(good.verified.maxDeviation).toBeLessThan(1e-5);
    // Same shapes, wrong content: BN statistics of channel 3 dropped instead of 2.
    const bad = prune(dense, plan).model;
    const bn = dense.graph.initializers.get('bn1.running_mean')!;
    bad.graph.initializers.set('bn1.running_mean', takeAlong(bn, 0, [0, 1, 2, 4, 5]));
    const { verify } = await import('./verify.js');
    const { randomInputs } = await import('../runtime/index.js');
    const r = await verify(dense, bad, plan, randomInputs(dense, { x: [1, 3, 8, 8] }, { seed: 1 }));
    expect(r.pass).toBe(false);
    expect(r.maxDeviation).toBeGreaterThan(1e-3);
  });
});
