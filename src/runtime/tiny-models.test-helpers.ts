/**
 * Small hand-made models for runtime, loader and CLI tests. Built directly on
 * the IR (not the builder DSL) so these tests depend on nothing but the core.
 */
import { fromNumbers } from '../ir/tensor.js';
import {
  AttrType as A,
  type Attribute,
  type Dim,
  type DType,
  type Model,
  type Node,
  type Tensor,
  type ValueInfo,
} from '../ir/types.js';

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Attribute[] = [],
  name = outputs[0],
): Node {
  return { name, opType, domain: '', inputs, outputs, attributes };
}

export const intAttr = (name: string, i: number): Attribute => ({ name, type: A.INT, i });
export const intsAttr = (name: string, ints: number[]): Attribute => ({ name, type: A.INTS, ints });
export const strAttr = (name: string, v: string): Attribute => ({
  name,
  type: A.STRING,
  s: new TextEncoder().encode(v),
});

export function vi(name: string, dtype: DType, shape: Dim[]): ValueInfo {
  return { name, dtype, shape };
}

/** Deterministic weights: a simple LCG so tests never depend on Math.random. */
export function weights(dims: number[], seed: number, scale = 0.5, dtype: DType = 'float32'): Tensor {
  let s = seed >>> 0 || 1;
  const n = dims.reduce((a, b) => a * b, 1);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values.push(((s / 2 ** 32) * 2 - 1) * scale);
  }
  return fromNumbers(dtype, dims, values);
}

export function model(
  nodes: Node[],
  inputs: ValueInfo[],
  outputs: ValueInfo[],
  initializers: Record<string, Tensor>,
  opset = 17,
): Model {
  return {
    graph: { name: 'tiny', nodes, inputs, outputs, initializers: new Map(Object.entries(initializers)), valueInfo: [] },
    irVersion: 8,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'pruneguard-tests',
    producerVersion: '0',
    domain: '',
    modelVersion: 1,
    docString: '',
    metadata: [],
  };
}

/** x[batch, inF] → MatMul → Add → Relu → MatMul → Add → y[batch, out]. */
export function mlpModel(inF = 4, hidden = 8, out = 3): Model {
  return model(
    [
      node('MatMul', ['x', 'w1'], ['h0']),
      node('Add', ['h0', 'b1'], ['h1']),
      node('Relu', ['h1'], ['h2']),
      node('MatMul', ['h2', 'w2'], ['h3']),
      node('Add', ['h3', 'b2'], ['y']),
    ],
    [vi('x', 'float32', ['batch', inF])],
    [vi('y', 'float32', ['batch', out])],
    { w1: weights([inF, hidden], 1), b1: weights([hidden], 2), w2: weights([hidden, out], 3), b2: weights([out], 4) },
  );
}

/** A residual conv block with a 1x1 projection, pooled and classified. */
export function convModel(cin = 3, c = 4, classes = 5): Model {
  return model(
    [
      node('Conv', ['x', 'c1.w', 'c1.b'], ['c1'], [intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1])]),
      node('Relu', ['c1'], ['r1']),
      node('Conv', ['x', 'proj.w'], ['proj'], [intsAttr('kernel_shape', [1, 1])]),
      node('Add', ['r1', 'proj'], ['sum']),
      node('GlobalAveragePool', ['sum'], ['pool']),
      node('Flatten', ['pool'], ['flat'], [intAttr('axis', 1)]),
      node('Gemm', ['flat', 'fc.w', 'fc.b'], ['logits'], [intAttr('transB', 1)]),
    ],
    [vi('x', 'float32', ['batch', cin, 8, 8])],
    [vi('logits', 'float32', ['batch', classes])],
    {
      'c1.w': weights([c, cin, 3, 3], 11),
      'c1.b': weights([c], 12),
      'proj.w': weights([c, cin, 1, 1], 13),
      'fc.w': weights([classes, c], 14),
      'fc.b': weights([classes], 15),
    },
  );
}

/** tokens[batch, seq] int64 → Gather(embedding) → ReduceMean over seq → y[batch, dim]. */
export function embeddingModel(vocab = 10, dim = 4): Model {
  return model(
    [
      node('Gather', ['emb', 'tokens'], ['e']),
      node('ReduceMean', ['e'], ['y'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    ],
    [vi('tokens', 'int64', ['batch', 'seq'])],
    [vi('y', 'float32', ['batch', dim])],
    { emb: weights([vocab, dim], 21) },
  );
}
