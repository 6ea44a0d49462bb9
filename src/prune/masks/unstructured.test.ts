import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { constantValue } from '../../ir/constants.js';
import { fromNumbers, toNumbers } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import { saveModel } from '../../onnx/save.js';
import { constantAliasModel, convModel, inputFor, int, model, node, weights } from './graphs.test-helpers.js';
import { prunableWeights } from './prunable.js';
import { applyUnstructured } from './unstructured.js';

const w = (m: Model, name = 'w') => constantValue(m.graph, name)!;
const zeros = (m: Model, name: string) => toNumbers(w(m, name)).filter((v) => v === 0).length;

/** x[2,8] → MatMul(w1 [8,16]) → Relu → Gemm(w2 [4,16], transB=1) + b → y. */
function mlp(): Model {
  return model(
    [
      node('MatMul', ['x', 'w1'], ['h']),
      node('Relu', ['h'], ['r']),
      node('Gemm', ['r', 'w2', 'b'], ['y'], [int('transB', 1)]),
    ],
    [2, 8],
    [2, 4],
    { w1: weights([8, 16], 1), w2: weights([4, 16], 2, 'float32', 3), b: weights([4], 3) },
  );
}

describe('applyUnstructured', () => {
  it('reaches a per-tensor sparsity exactly (to rounding), keeps shapes, zeroes the smallest |w|', () => {
    const dense = convModel(); // 4*8*9 = 288 weights
    for (const s of [0, 0.3, 0.5, 0.85, 1]) {
      const { model: sparse, report } = applyUnstructured(dense, [{ tensor: 'w', sparsity: s }]);
      expect(zeros(sparse, 'w')).toBe(Math.round(s * 288));
      expect(report[0]).toMatchObject({
        tensor: 'w',
        scope: 'tensor',
        numel: 288,
        zerosBefore: 0,
        zerosAfter: Math.round(s * 288),
      });
      expect(w(sparse).dims).toEqual([4, 8, 3, 3]);
      const kept = toNumbers(w(sparse))
        .filter((v) => v !== 0)
        .map(Math.abs);
      const dropped = toNumbers(w(dense))
        .filter((_, i) => toNumbers(w(sparse))[i] === 0)
        .map(Math.abs);
      if (kept.length && dropped.length) expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    }
    expect(zeros(dense, 'w')).toBe(0);
  });

  it('global: one threshold over all prunable weights (biases untouched)', () => {
    const dense = mlp();
    expect(prunableWeights(dense)).toEqual(['w1', 'w2']);
    const { model: sparse, report } = applyUnstructured(dense, [{ global: true, sparsity: 0.5 }]);
    expect(zeros(sparse, 'w1') + zeros(sparse, 'w2')).toBe(96); // (128 + 64) / 2
    expect(zeros(sparse, 'b')).toBe(0);
    // w2 has 3x the scale, so one threshold prunes w1 much harder than w2.
    const [r1, r2] = report;
    expect(r1.sparsity).toBeGreaterThan(r2.sparsity);
    const threshold = Math.max(
      ...['w1', 'w2'].flatMap((n) =>
        toNumbers(w(dense, n))
          .filter((_, i) => toNumbers(w(sparse, n))[i] === 0)
          .map(Math.abs),
      ),
    );
    for (const n of ['w1', 'w2'])
      for (const v of toNumbers(w(sparse, n))) if (v !== 0) expect(Math.abs(v)).toBeGreaterThanOrEqual(threshold);
  });

  it('global over listed tensors only', () => {
    const { model: sparse } = applyUnstructured(mlp(), [{ global: true, sparsity: 0.25, tensors: ['w2'] }]);
    expect(zeros(sparse, 'w2')).toBe(16);
    expect(zeros(sparse, 'w1')).toBe(0);
  });

  it('breaks ties by position, deterministically', () => {
    const m = model([node('MatMul', ['x', 'w'], ['y'])], [1, 2], [1, 3], {
      w: fromNumbers('float32', [2, 3], [1, 1, 1, 1, 1, 1]),
    });
    expect(toNumbers(w(applyUnstructured(m, [{ tensor: 'w', sparsity: 0.5 }]).model))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('counts zeros already there and never un-zeroes', () => {
    const m = model([node('MatMul', ['x', 'w'], ['y'])], [1, 2], [1, 2], {
      w: fromNumbers('float32', [2, 2], [0, 0, 0, 5]),
    });
    const { report } = applyUnstructured(m, [{ tensor: 'w', sparsity: 0.5 }]);
    expect(report[0]).toMatchObject({ zerosBefore: 3, zerosAfter: 3, sparsity: 0.75 });
  });

  it('writes through a Constant node behind Identity without touching the caller', () => {
    const dense = constantAliasModel();
    const { model: sparse } = applyUnstructured(dense, [{ tensor: 'w', sparsity: 0.5 }]);
    expect(zeros(sparse, 'w')).toBe(16);
    expect(zeros(dense, 'w')).toBe(0);
  });

  it('rejects NaN, sparsity outside [0,1], non-floating weights and double listing', () => {
    const m = mlp();
    const v = toNumbers(w(m, 'w1'));
    v[3] = NaN;
    m.graph.initializers.set('w1', fromNumbers('float32', [8, 16], v));
    expect(() => applyUnstructured(m, [{ global: true, sparsity: 0.5 }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN', message: expect.stringMatching(/'w1' has NaN/) }),
    );
    expect(() => applyUnstructured(mlp(), [{ tensor: 'w1', sparsity: 1.5 }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN' }),
    );
    expect(() => applyUnstructured(mlp(), [{ tensor: 'w1', sparsity: NaN }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN' }),
    );
    expect(() => applyUnstructured(mlp(), [{ global: true, sparsity: 0.5, tensors: ['w1', 'w1'] }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN' }),
    );
    const ints = model([node('MatMul', ['x', 'w'], ['y'])], [1, 2], [1, 2], {
      w: fromNumbers('int8', [2, 2], [1, 2, 3, 4]),
    });
    expect(() => applyUnstructured(ints, [{ tensor: 'w', sparsity: 0.5 }])).toThrow(
      expect.objectContaining({ code: 'E_UNSUPPORTED_DTYPE' }),
    );
  });

  it('onnxruntime runs the masked model, and 100% sparsity gives the bias only', async () => {
    const { model: sparse } = applyUnstructured(mlp(), [{ global: true, sparsity: 1 }]);
    const session = await ort.InferenceSession.create(saveModel(sparse), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    const out = await session.run({ x: new ort.Tensor('float32', inputFor(sparse), [2, 8]) });
    const b = toNumbers(w(sparse, 'b'));
    expect([...(out.y.data as Float32Array)]).toEqual([...b, ...b].map(Math.fround));
    await session.release();
  });
});

describe('applyUnstructured (property)', () => {
  it('zeroes exactly the round(s*n) first elements of a stable sort by |w|, across tensors', async () => {
    const fc = await import('fast-check');
    // Small integer values force many ties, where position must decide.
    const tensorArb = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(tensorArb, tensorArb, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, s) => {
        const m = model(
          [node('MatMul', ['x', 'wa'], ['h']), node('MatMul', ['x', 'wb'], ['y'])],
          [1, 1],
          [1, b.length],
          { wa: fromNumbers('float32', [1, a.length], a), wb: fromNumbers('float32', [1, b.length], b) },
        );
        const flat = [...a, ...b];
        const k = Math.round(s * flat.length);
        const expected = new Set(
          flat
            .map((v, i) => [Math.abs(v), i] as const)
            .sort((p, q) => p[0] - q[0] || p[1] - q[1])
            .slice(0, k)
            .map(([, i]) => i),
        );
        const { model: out } = applyUnstructured(m, [{ global: true, sparsity: s, tensors: ['wa', 'wb'] }]);
        const got = [...toNumbers(w(out, 'wa')), ...toNumbers(w(out, 'wb'))];
        got.forEach((v, i) => expect(v).toBe(expected.has(i) ? 0 : flat[i]));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
