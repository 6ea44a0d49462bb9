import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../data/evaluate.js';
import { predictionsOf } from '../data/evaluate.js';
import { computeMetrics } from './metrics.js';
import { resolveSlices } from './slices.js';
import { compareSlices, sliceGate } from './slices-gate.js';

/** A 3-class result whose predictions are `preds` (one-hot-ish logits). */
function result(preds: number[], labels?: number[], extra: Partial<EvalResult> = {}): EvalResult {
  const outputs = new Float32Array(preds.length * 3);
  preds.forEach((p, i) => {
    outputs[i * 3 + p] = 2;
  });
  return {
    count: preds.length,
    outputName: 'y',
    exampleDims: [3],
    width: 3,
    outputs,
    predictions: predictionsOf(outputs, preds.length, 3),
    labels: labels && Int32Array.from(labels),
    slices: {},
    lengths: {},
    ...extra,
  };
}

describe('metrics', () => {
  it('computes accuracy, per-class recall, agreement and divergence', () => {
    const dense = result([0, 1, 2, 2], [0, 1, 2, 1]);
    const pruned = result([0, 2, 2, 1], [0, 1, 2, 1]);
    const m = computeMetrics(pruned, dense);
    expect(m.accuracy).toBe(0.75);
    expect(m.perClassRecall).toEqual({ 0: 1, 1: 0.5, 2: 1 });
    expect(m.agreement).toBe(0.5);
    expect(m.divergence!.maxAbs).toBe(2);
    expect(m.divergence!.meanL2).toBeCloseTo(Math.SQRT2); // two examples differ by (2,-2): L2 = 2√2 each;
    expect(m.divergence!.meanKL).toBeGreaterThan(0);
    expect(computeMetrics(dense, dense).divergence).toEqual({ maxAbs: 0, meanKL: 0, meanL2: 0 });
    expect(computeMetrics(pruned, dense, [0, 2])).toMatchObject({ count: 2, accuracy: 1, agreement: 1 });
  });

  it('computes KL for a single binary logit as a Bernoulli', () => {
    const mk = (z: number[]): EvalResult => ({
      ...result([0, 0]),
      width: 1,
      exampleDims: [],
      outputs: Float32Array.from(z),
      predictions: predictionsOf(Float32Array.from(z), 2, 1),
    });
    const m = computeMetrics(mk([0, 3]), mk([0, -3]));
    const p = 1 / (1 + Math.exp(-(-3))),
      q = 1 / (1 + Math.exp(-3));
    const kl = p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
    expect(m.divergence!.meanKL).toBeCloseTo(kl / 2, 6);
    expect(m.agreement).toBe(0.5);
  });
});

describe('slices', () => {
  const lengths = Int32Array.from([10, 200, 30, 300, 20, 250]);
  const data = {
    count: 6,
    labels: Int32Array.from([0, 1, 2, 0, 1, 2]),
    slices: { odd: Uint8Array.from([0, 1, 0, 1, 0, 1]) },
    lengths: { tokens: lengths },
  };

  it('resolves data, length and label slices after the aggregate', () => {
    const s = resolveSlices(data, [
      { name: 'long', lengths: [100, 1000], threshold: { maxDrop: 5 } },
      { name: 'rare', labels: [2] },
      { name: 'odd', threshold: { minMetric: 50 } },
    ]);
    expect(s.map((x) => [x.name, x.kind, Array.from(x.indices), x.threshold])).toEqual([
      ['all', 'all', [0, 1, 2, 3, 4, 5], { maxDrop: 2 }],
      ['odd', 'data', [1, 3, 5], { minMetric: 50 }],
      ['long', 'lengths', [1, 3, 5], { maxDrop: 5 }],
      ['rare', 'labels', [2, 5], { maxDrop: 2 }],
    ]);
  });

  it('refuses empty slices and slices on absent data', () => {
    expect(() => resolveSlices(data, [{ name: 'huge', lengths: [1000, 2000] }])).toThrow(
      "slice 'huge' (tokens length 1000–2000) is empty: 0 of 6 examples",
    );
    expect(() => resolveSlices({ ...data, slices: { none: new Uint8Array(6) } })).toThrow(
      expect.objectContaining({ code: 'E_BAD_DATA' }),
    );
    expect(() => resolveSlices(data, [{ name: 'rare', labels: [7] }])).toThrow('is empty');
    expect(() => resolveSlices({ ...data, labels: undefined }, [{ name: 'rare', labels: [2] }])).toThrow("no 'labels'");
    expect(() => resolveSlices({ ...data, lengths: {} }, [{ name: 'long', lengths: [1, 2] }])).toThrow(
      'no <input>_lengths array',
    );
    expect(() => resolveSlices(data, [{ name: 'typo' }])).toThrow("no 'slice_typo' array (data slices: odd)");
  });

  it('fails a collapsed slice even when the aggregate passes, reporting every slice', () => {
    // 100 examples; 2 of the 5 'long' ones flip: the slice loses 40 points, the aggregate 2.
    const n = 100;
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    const long = Uint8Array.from({ length: n }, (_, i) => (i < 5 ? 1 : 0));
    const dense = result(labels, labels, { slices: { long } });
    const pruned = result(
      labels.map((l, i) => (i < 2 ? (l + 1) % 3 : l)),
      labels,
      { slices: { long } },
    );
    const r = compareSlices(dense, pruned, [{ name: 'rare', labels: [2] }]);
    expect(r.verdicts.map((v) => [v.slice, v.metric, v.dense, v.pruned, v.pass])).toEqual([
      ['all', 'accuracy', 100, 98, true],
      ['long', 'accuracy', 100, 60, false],
      ['rare', 'accuracy', 100, 100, true],
    ]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      invariant: 'slice-threshold',
      failureMode: 'slice-regression',
      where: 'slice long',
    });
    expect(r.findings[0].message).toBe(
      "slice 'long' (5 examples): accuracy 100.0% dense → 60.0% pruned, drop 40.0 points; allowed drop ≤ 2 points; " +
        'aggregate passes (100.0% → 98.0%)',
    );
  });

  it('applies maxDrop and minMetric, and agreement without labels', () => {
    const m = (accuracy: number, count = 10) => ({ count, accuracy });
    const dense = { all: m(0.9), a: m(0.9), b: m(0.9) };
    const pruned = { all: m(0.88), a: m(0.8), b: m(0.84) };
    const r = sliceGate(dense, pruned, { a: { maxDrop: 10 }, b: { minMetric: 85 } });
    expect(r.verdicts.map((v) => v.pass)).toEqual([true, true, false]);
    expect(r.findings[0].message).toContain('allowed accuracy ≥ 85.0%');
    const agree = sliceGate({ all: { count: 4 } }, { all: { count: 4, agreement: 0.75 } });
    expect(agree.verdicts[0]).toMatchObject({ metric: 'agreement', dense: 100, pruned: 75, pass: false });
    expect(() => sliceGate({ all: m(1), x: m(1) }, { all: m(1) })).toThrow('pruned metrics lack slice(s) x');
  });
});
