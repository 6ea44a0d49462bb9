import { describe, expect, it } from 'vitest';
import { isPruneguardError } from '../../errors.js';
import {
  constantAliasModel,
  convModel,
  gemmModel,
  matmulModel,
  model,
  node,
  str,
  weights,
} from './graphs.test-helpers.js';
import { reductionAxis } from './reduction-axis.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isPruneguardError(e) ? e.code : String(e);
  }
  return 'no error';
};

describe('reductionAxis', () => {
  it('is the input-channel axis of a Conv weight', () => {
    expect(reductionAxis(convModel(), 'w')).toMatchObject({ axis: 1, slot: 1, consumer: { opType: 'Conv' } });
  });
  it('is K (axis 0) of a MatMul weight [K,N]', () => {
    expect(reductionAxis(matmulModel(), 'w').axis).toBe(0);
  });
  it('follows Gemm transB', () => {
    expect(reductionAxis(gemmModel(0), 'w').axis).toBe(0);
    expect(reductionAxis(gemmModel(1), 'w').axis).toBe(1);
  });
  it('is the last axis when the constant is MatMul input A', () => {
    const m = model([node('MatMul', ['w', 'x'], ['y'])], [8, 2], [4, 2], { w: weights([4, 8], 1) });
    expect(reductionAxis(m, 'w').axis).toBe(1);
  });
  it(
    'is the one label an Einsum kernel is summed over (Keras/Flax per-head kernels); ' +
      'two summed labels are refused',
    () => {
      const dense = model(
        [node('Einsum', ['x', 'w'], ['y'], [str('equation', 'bte,ehd->bthd')])],
        [1, 3, 8],
        [1, 3, 2, 4],
        { w: weights([8, 2, 4], 1) },
      );
      expect(reductionAxis(dense, 'w')).toMatchObject({ axis: 0, slot: 1, consumer: { opType: 'Einsum' } });
      const out = model(
        [node('Einsum', ['x', 'w'], ['y'], [str('equation', 'bthd,hde->bte')])],
        [1, 3, 2, 4],
        [1, 3, 8],
        { w: weights([2, 4, 8], 1) },
      );
      expect(() => reductionAxis(out, 'w')).toThrow(/no known reduction axis/);
    },
  );
  it('works through a Constant node and an Identity alias, by either name', () => {
    expect(reductionAxis(constantAliasModel(), 'w').axis).toBe(0);
    expect(reductionAxis(constantAliasModel(), 'wc').axis).toBe(0);
  });
  it('refuses unknown consumers, bias slots, non-constants and disagreeing consumers', () => {
    const relu = model([node('Add', ['x', 'w'], ['y'])], [2, 8], [2, 8], { w: weights([8], 1) });
    expect(code(() => reductionAxis(relu, 'w'))).toBe('E_PRUNE_BLOCKED');
    expect(code(() => reductionAxis(gemmModel(1), 'c'))).toBe('E_PRUNE_BLOCKED');
    expect(code(() => reductionAxis(matmulModel(), 'x'))).toBe('E_UNKNOWN_TENSOR');
    expect(code(() => reductionAxis(matmulModel(), 'nope'))).toBe('E_UNKNOWN_TENSOR');
    const shared = model([node('MatMul', ['x', 'w'], ['h']), node('MatMul', ['w', 'h'], ['y'])], [8, 8], [8, 8], {
      w: weights([8, 8], 1),
    });
    expect(() => reductionAxis(shared, 'w')).toThrow(/un-share/);
  });
});
