import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { constantValue } from '../../ir/constants.js';
import { fromNumbers, toNumbers } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import { saveModel } from '../../onnx/save.js';
import { constantAliasModel, convModel, gemmModel, inputFor, matmulModel, model, node } from './graphs.test-helpers.js';
import { applyNm, checkNm, nmViolations } from './nm.js';

const w = (m: Model, name = 'w') => constantValue(m.graph, name)!;

describe('applyNm', () => {
  const cases: [string, Model, number][] = [
    ['Conv [4,8,3,3]', convModel(), 1],
    ['MatMul [8,12]', matmulModel(), 0],
    ['Gemm transB=0 [8,12]', gemmModel(0), 0],
    ['Gemm transB=1 [12,8]', gemmModel(1), 1],
  ];
  for (const [label, dense, axis] of cases) {
    it(`makes ${label} 2:4 along axis ${axis}, keeps the shape, leaves the input alone`, () => {
      const before = toNumbers(w(dense));
      const { model: sparse, report } = applyNm(dense, [{ tensor: 'w' }]);
      expect(w(sparse).dims).toEqual(w(dense).dims);
      expect(checkNm(sparse, 'w', 2, 4)).toEqual([]);
      expect(nmViolations(w(sparse), 'w', 2, 4, axis)).toEqual([]);
      expect(report).toEqual([
        expect.objectContaining({ tensor: 'w', axis, n: 2, m: 4, zerosBefore: 0, sparsity: 0.5 }),
      ]);
      expect(toNumbers(w(dense))).toEqual(before);
      expect(dense.graph.initializers.get('w')).not.toBe(sparse.graph.initializers.get('w'));
    });
  }

  it('keeps the N largest |w| of each group, lower index on ties', () => {
    const m = model([node('MatMul', ['x', 'w'], ['y'])], [1, 4], [1, 2], {
      w: fromNumbers('float32', [4, 2], [0.1, 5, -3, 5, 0.2, 5, 3, 5]),
    });
    // Column 0 along K: [0.1,-3,0.2,3] keeps -3 and 3; column 1 all ties keeps rows 0 and 1.
    expect(toNumbers(w(applyNm(m, [{ tensor: 'w' }]).model))).toEqual([0, 5, -3, 5, 0, 0, 3, 0]);
  });

  it('supports other N:M and a Constant node behind Identity', () => {
    const dense = constantAliasModel(8, 4);
    const { model: sparse, report } = applyNm(dense, [{ tensor: 'w', n: 1, m: 4 }]);
    expect(report[0].sparsity).toBe(0.75);
    expect(checkNm(sparse, 'w', 1, 4)).toEqual([]);
    expect(checkNm(dense, 'w', 1, 4).length).toBeGreaterThan(0);
  });

  it('rejects an axis length that is not a multiple of M, naming tensor, axis and length', () => {
    expect(() => applyNm(matmulModel(6, 4), [{ tensor: 'w' }])).toThrow(
      /'w' \[6,4\]: reduction axis 0 has length 6, not a multiple of M=4/,
    );
  });

  it('rejects NaN weights and bad N:M', () => {
    const m = matmulModel();
    const bad = toNumbers(w(m));
    bad[5] = NaN;
    m.graph.initializers.set('w', fromNumbers('float32', [8, 12], bad));
    expect(() => applyNm(m, [{ tensor: 'w' }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN', message: expect.stringMatching(/NaN at element 5/) }),
    );
    expect(() => applyNm(matmulModel(), [{ tensor: 'w', n: 5, m: 4 }])).toThrow(
      expect.objectContaining({ code: 'E_BAD_PLAN' }),
    );
  });

  it('works on float16 weights', () => {
    const { model: sparse } = applyNm(matmulModel(8, 12, 'float16'), [{ tensor: 'w' }]);
    expect(w(sparse).dtype).toBe('float16');
    expect(checkNm(sparse, 'w')).toEqual([]);
  });
});

describe('checkNm', () => {
  it('detects 2:4 applied along the wrong axis', () => {
    // Gemm transB=1 reduces over axis 1; a mask along axis 0 is the classic bug.
    const dense = gemmModel(1, 8, 12);
    const v = w(dense);
    const wrong = fromNumbers('float32', [...v.dims], toNumbers(v));
    const { model: onAxis0 } = applyNm(model([node('MatMul', ['x', 'w'], ['y'])], [2, 12], [2, 8], { w: wrong }), [
      { tensor: 'w' },
    ]);
    dense.graph.initializers.set('w', w(onAxis0));
    const violations = checkNm(dense, 'w');
    expect(violations.length).toBeGreaterThan(0);
    expect(violations[0]).toMatchObject({ kind: 'group', axis: 1, n: 2, m: 4 });
    expect(checkNm(dense, 'w', 2, 4, 0)).toEqual([]);
  });

  it('reports a non-multiple axis as data', () => {
    expect(checkNm(matmulModel(6, 4), 'w')).toEqual([{ kind: 'axis-length', tensor: 'w', axis: 0, length: 6, m: 4 }]);
  });

  it('names conv groups by the multi-index of their first element', () => {
    const v = checkNm(convModel(), 'w');
    expect(v[0]).toMatchObject({ kind: 'group', start: [0, 0, 0, 0], nonZeros: 4 });
    expect(v.length).toBe(4 * 2 * 9);
  });
});

describe('onnxruntime runs N:M-masked models', () => {
  for (const [label, dense] of [
    ['Conv', convModel()],
    ['MatMul', matmulModel()],
    ['Gemm', gemmModel(1)],
  ] as const) {
    it(label, async () => {
      const { model: sparse } = applyNm(dense, [{ tensor: 'w' }]);
      const session = await ort.InferenceSession.create(saveModel(sparse), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
      const x = dense.graph.inputs[0];
      const out = await session.run({ x: new ort.Tensor('float32', inputFor(dense), x.shape as number[]) });
      expect(out.y.dims).toEqual(dense.graph.outputs[0].shape);
      expect([...(out.y.data as Float32Array)].filter((x) => !Number.isFinite(x))).toEqual([]);
      await session.release();
    });
  }
});

describe('applyNm (property)', () => {
  it('keeps, in every group, the N largest |w| (lower index on ties) and zeroes the rest', async () => {
    const fc = await import('fast-check');
    const arb = fc
      .record({
        groups: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 0, max: 4 }),
        cols: fc.integer({ min: 1, max: 3 }),
      })
      .chain(({ groups, n, cols }) =>
        fc.record({
          n: fc.constant(n),
          cols: fc.constant(cols),
          k: fc.constant(groups * 4),
          values: fc.array(fc.integer({ min: -2, max: 2 }), {
            minLength: groups * 4 * cols,
            maxLength: groups * 4 * cols,
          }),
        }),
      );
    fc.assert(
      fc.property(arb, ({ n, cols, k, values }) => {
        const m = model([node('MatMul', ['x', 'w'], ['y'])], [1, k], [1, cols], {
          w: fromNumbers('float32', [k, cols], values),
        });
        const got = toNumbers(w(applyNm(m, [{ tensor: 'w', n, m: 4 }]).model));
        for (let c = 0; c < cols; c++) {
          for (let g = 0; g < k; g += 4) {
            const idx = [0, 1, 2, 3].map((r) => (g + r) * cols + c);
            const keep = new Set(
              [...idx].sort((p, q) => Math.abs(values[q]) - Math.abs(values[p]) || p - q).slice(0, n),
            );
            for (const i of idx) expect(got[i]).toBe(keep.has(i) ? values[i] : 0);
          }
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
