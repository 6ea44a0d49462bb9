import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPruneguardError } from '../errors.js';
import { monotoneSensitivityBudget } from '../invariants/monotone-sensitivity-budget.js';
import { allocateBudget } from './budget.js';
import type { SensitivityEntry, SensitivityProfile } from './profile.js';

const entry = (
  group: string,
  sensitivity: number,
  params: number,
  depth: number,
  extra: Partial<SensitivityEntry> = {},
): SensitivityEntry => ({
  group,
  sensitivity,
  params,
  depth,
  probeRatio: 0.2,
  kind: 'conv',
  ...extra,
});

const profileArb = fc
  .array(
    fc.record({
      sensitivity: fc.double({ min: 0, max: 30, noNaN: true }),
      params: fc.integer({ min: 1, max: 10_000 }),
      depth: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      kind: fc.constantFrom('conv' as const, 'linear' as const, 'attention' as const),
      classifier: fc.boolean(),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map(
    (rows): SensitivityProfile => ({
      metric: 'accuracy',
      entries: rows.map((r, i) => ({ group: `g${i}`, probeRatio: 0.2, ...r })),
    }),
  );

describe('allocateBudget', () => {
  it('prunes the tolerant late layers more than the sensitive early ones', () => {
    const profile: SensitivityProfile = {
      metric: 'accuracy',
      entries: [
        entry('stem', 9, 500, 0),
        entry('block1', 4, 2000, 0.3),
        entry('block2', 1, 8000, 0.6, { kind: 'conv' }),
        entry('fc', 0.2, 20000, 0.9, { kind: 'linear', classifier: true }),
      ],
    };
    const a = allocateBudget(profile, 0.3);
    expect(a.removedShare).toBeGreaterThanOrEqual(0.3);
    expect(a.ratios.stem).toBeLessThanOrEqual(a.ratios.block1);
    expect(a.ratios.block1).toBeLessThanOrEqual(a.ratios.block2);
    expect(a.ratios.block2).toBeLessThanOrEqual(a.ratios.fc);
    expect(a.ratios.stem).toBeLessThanOrEqual(0.2);
    expect(monotoneSensitivityBudget({ profile, ratios: a.ratios, target: 0.3 })).toEqual([]);
  });

  it('names the binding caps when the target cannot be met', () => {
    const profile: SensitivityProfile = {
      metric: 'accuracy',
      entries: [entry('stem', 1, 100, 0), entry('fc', 0, 100, 0.9, { classifier: true, kind: 'linear' })],
    };
    expect(() => allocateBudget(profile, 0.9)).toThrowError(/binding caps: .*stem \(earlyConv cap 0.2\)/);
  });

  it('rejects a target outside [0, 1)', () => {
    expect(() => allocateBudget({ metric: 'a', entries: [entry('a', 1, 1, 0.5)] }, 1.2)).toThrowError(/\[0, 1\)/);
  });

  it('property: every feasible allocation passes the monotone budget gate', () => {
    fc.assert(
      fc.property(profileArb, fc.double({ min: 0, max: 0.6, noNaN: true }), (profile, target) => {
        try {
          const a = allocateBudget(profile, target);
          const findings = monotoneSensitivityBudget({
            profile,
            ratios: a.ratios,
            target,
            sensitivityTolerance: 0,
            ratioTolerance: 1e-9,
          });
          expect(findings).toEqual([]);
        } catch (e) {
          if (!isPruneguardError(e) || e.code !== 'E_INFEASIBLE') throw e;
        }
      }),
      { numRuns: Number(process.env.PRUNEGUARD_RUNS ?? 200) },
    );
  });
});

describe('monotoneSensitivityBudget', () => {
  const profile: SensitivityProfile = {
    metric: 'accuracy',
    entries: [entry('early', 8, 100, 0.1), entry('late', 1, 100, 0.8)],
  };

  it('flags the seed incident: 45% of an early, sensitive layer', () => {
    const findings = monotoneSensitivityBudget({ profile, ratios: { early: 0.45, late: 0.3 } });
    expect(findings.map((f) => f.message)).toEqual([
      'early (sensitivity 8.00) is pruned 45.0%, more than the less sensitive late (sensitivity 1.00) at 30.0%',
      'early is pruned 45.0%, over its earlyConv cap of 20.0%',
    ]);
    expect(findings.filter((f) => !(f.failureMode === 'accuracy-cliff'))).toEqual([]);
  });

  it('accepts the sensitivity-aware plan', () => {
    expect(monotoneSensitivityBudget({ profile, ratios: { early: 0.15, late: 0.5 } })).toEqual([]);
  });

  it('flags a missed budget and an unmeasured group', () => {
    const f = monotoneSensitivityBudget({ profile, ratios: { early: 0.1, late: 0.2, ghost: 0.3 }, target: 0.4 });
    expect(f.map((x) => x.where ?? 'budget')).toEqual(['ghost', 'budget']);
  });
});

describe('allocateBudget by FLOPs', () => {
  it('counts multiply-accumulates instead of parameters', () => {
    // A conv with few parameters but most of the compute, a classifier with the parameters but little compute.
    const profile: SensitivityProfile = {
      metric: 'accuracy',
      entries: [
        entry('conv', 1, 100, 0.5, { flops: 90_000 }),
        entry('fc', 0, 10_000, 0.9, { kind: 'linear', classifier: true, flops: 10_000 }),
      ],
    };
    expect(allocateBudget(profile, 0.3).ratios).toEqual({ fc: 0.31, conv: 0 });
    const byFlops = allocateBudget(profile, 0.3, { by: 'flops' });
    expect(byFlops.removedShare).toBeGreaterThanOrEqual(0.3);
    expect(byFlops.ratios.conv).toBeGreaterThan(0);
    expect(byFlops.ratios.conv).toBeLessThanOrEqual(byFlops.ratios.fc);
    expect(() => allocateBudget({ metric: 'a', entries: [entry('x', 1, 10, 0.5)] }, 0.2, { by: 'flops' })).toThrowError(
      /with FLOPs/,
    );
  });
});
