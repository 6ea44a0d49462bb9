import { describe, expect, it } from 'vitest';
import { constantValue } from '../ir/constants.js';
import { fromNumbers, toNumbers } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';
import { gemmModel, matmulModel, model, node } from '../prune/masks/graphs.test-helpers.js';
import { applyNm } from '../prune/masks/nm.js';
import { applyUnstructured } from '../prune/masks/unstructured.js';
import { nmConformance } from './nm-conformance.js';

const plan = { nm: [{ tensor: 'w' }] };

describe('nmConformance', () => {
  it('passes a 2:4 fp16 weight a sparse kernel accepts', () => {
    const dense = gemmModel(1, 64, 64, 'float16');
    expect(nmConformance({ dense, pruned: applyNm(dense, plan.nm).model, plan })).toEqual([]);
  });

  it('flags a dense weight the plan declares 2:4', () => {
    const dense = gemmModel(1, 64, 64, 'float16');
    const [f] = nmConformance({ dense, pruned: dense, plan });
    expect(f).toMatchObject({
      invariant: 'nm-conformance',
      failureMode: 'nm-nonconformance',
      where: 'w',
      received: { axis: 1, violatingGroups: 64 * 16 },
    });
    expect(f.severity).toBeUndefined();
  });

  it('says when the pattern holds along the wrong axis', () => {
    // Gemm transB=1 reduces over axis 1; mask the same values along axis 0 (as a MatMul [K,N] would).
    const dense = gemmModel(1, 8, 16);
    const v = constantValue(dense.graph, 'w')!;
    const asMatMul = model([node('MatMul', ['x', 'w'], ['y'])], [2, 16], [2, 8], {
      w: fromNumbers('float32', [...v.dims], toNumbers(v)),
    });
    const pruned = gemmModel(1, 8, 16);
    pruned.graph.initializers.set('w', constantValue(applyNm(asMatMul, plan.nm).model.graph, 'w')!);
    const [f] = nmConformance({ dense, pruned, plan });
    expect(f.message).toMatch(/holds along axis 0 instead: N:M was applied along the wrong axis/);
    expect(f.received).toMatchObject({ axis: 1, conformsAlong: [0] });
  });

  it('flags an axis that is not a multiple of M, and a tensor it cannot check', () => {
    const odd = matmulModel(6, 8);
    expect(nmConformance({ pruned: odd, plan })[0]).toMatchObject({ expected: 'axis 0 length % 4 == 0', received: 6 });
    expect(nmConformance({ pruned: odd, plan: { nm: [{ tensor: 'missing' }] } })[0]).toMatchObject({
      where: 'missing',
      received: 'E_UNKNOWN_TENSOR',
    });
  });

  it('warns when the pattern is right but no kernel family would accept the weight', () => {
    const small = applyNm(matmulModel(8, 12), plan.nm).model;
    const [f] = nmConformance({ pruned: small, plan });
    expect(f).toMatchObject({ severity: 'warning', expected: 'at least one eligible sparse-kernel family' });
    expect(f.message).toMatch(/nvidia-asp: rows \(output extent\) 12/);
  });

  it('catches a weight whose 2:4 pattern a later pass replaced', () => {
    const dense = gemmModel(1, 64, 64, 'float16');
    const nmModel: Model = applyNm(dense, plan.nm).model;
    // A later pass that rewrote the weight from the dense values (here: an unstructured mask) breaks the pattern.
    const broken = applyUnstructured(dense, [{ tensor: 'w', sparsity: 0.5 }]).model;
    expect(nmConformance({ dense, pruned: nmModel, plan })).toEqual([]);
    expect(nmConformance({ dense, pruned: broken, plan })).toHaveLength(1);
  });

  it('ignores plans without nm entries', () => {
    expect(nmConformance({ pruned: matmulModel(), plan: {} })).toEqual([]);
    expect(nmConformance({ pruned: matmulModel() })).toEqual([]);
  });
});
