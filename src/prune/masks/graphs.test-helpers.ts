/**
 * Hand-made IR graphs for the mask tests: one consumer kind each (Conv, MatMul,
 * Gemm with transB 0 and 1), weights as initializers, Constant nodes or
 * Identity aliases. Built on the IR directly so these tests depend on the core only.
 */
import {
  intAttr as int,
  intsAttr as ints,
  node,
  strAttr as str,
  weights as lcgWeights,
} from '../../runtime/tiny-models.test-helpers.js';
import { AttrType as A, type DType, type Model, type Node, type Tensor } from '../../ir/types.js';

// The IR helpers and the seeded weights are the runtime tests' own (one LCG for every test).
export { node, int, ints, str };

/** Deterministic weights (LCG) in (-scale, scale). */
export function weights(dims: number[], seed: number, dtype: DType = 'float32', scale = 1): Tensor {
  return lcgWeights(dims, seed, scale, dtype);
}

export function model(
  nodes: Node[],
  x: number[],
  y: number[],
  init: Record<string, Tensor>,
  dtype: DType = 'float32',
): Model {
  return {
    graph: {
      name: 'masks',
      nodes,
      inputs: [{ name: 'x', dtype, shape: x }],
      outputs: [{ name: 'y', dtype, shape: y }],
      initializers: new Map(Object.entries(init)),
      valueInfo: [],
    },
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'pruneguard-tests',
    producerVersion: '0',
    domain: '',
    modelVersion: 1,
    docString: '',
    metadata: [],
  };
}

/** x[2,cin,6,6] → Conv(w [cout,cin,3,3]) + b → y. */
export function convModel(cin = 8, cout = 4, dtype: DType = 'float32'): Model {
  return model(
    [node('Conv', ['x', 'w', 'b'], ['y'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])])],
    [2, cin, 6, 6],
    [2, cout, 6, 6],
    { w: weights([cout, cin, 3, 3], 7, dtype), b: weights([cout], 8, dtype) },
    dtype,
  );
}

/** x[2,k] → MatMul(w [k,n]) → y. */
export function matmulModel(k = 8, n = 12, dtype: DType = 'float32'): Model {
  return model([node('MatMul', ['x', 'w'], ['y'])], [2, k], [2, n], { w: weights([k, n], 3, dtype) }, dtype);
}

/** x[2,k] → Gemm(w, transB) + c → y; w is [k,n] (transB=0) or [n,k] (transB=1). */
export function gemmModel(transB: 0 | 1, k = 8, n = 12, dtype: DType = 'float32'): Model {
  return model(
    [node('Gemm', ['x', 'w', 'c'], ['y'], [int('transB', transB)])],
    [2, k],
    [2, n],
    { w: weights(transB ? [n, k] : [k, n], 5, dtype), c: weights([n], 6, dtype) },
    dtype,
  );
}

/** MatMul whose weight is a Constant node 'wc' read through Identity 'w'. */
export function constantAliasModel(k = 8, n = 4): Model {
  return model(
    [
      node('Constant', [], ['wc'], [{ name: 'value', type: A.TENSOR, t: weights([k, n], 9) }]),
      node('Identity', ['wc'], ['w']),
      node('MatMul', ['x', 'w'], ['y']),
    ],
    [2, k],
    [2, n],
    {},
  );
}

/** Deterministic input data for a model's input `x`. */
export function inputFor(m: Model): Float32Array {
  const dims = m.graph.inputs[0].shape as number[];
  return weights(dims, 42).data as Float32Array;
}
