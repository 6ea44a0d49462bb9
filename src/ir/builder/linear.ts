/** Gemm (PyTorch Linear on 2-D input), MatMul with a weight, Linear = MatMul + Add, and the FFN block. */
import type { BuilderCore, Value } from './core.js';
import { f } from './core.js';
import { broadcastShapes, concrete, fail, fmtShape, positiveInt, requireRank } from './dims.js';
import { gelu, relu } from './activation.js';
import type { Dim } from '../types.js';

export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  name?: string;
}

/** Gemm(x[N,K], weight[out,K], bias[out]) with transB=1, as torch.nn.Linear exports for 2-D input. */
export function gemm(b: BuilderCore, x: Value, out: number, o: LinearOptions = {}): Value {
  const name = b.nodeName('gemm', o.name);
  requireRank(`gemm ${name}: input ${x.name}`, x.shape, 2);
  positiveInt(`gemm ${name}: out features`, out);
  const k = concrete(`gemm ${name}: in features of ${x.name}`, x.shape, 1);
  const inputs = [x, b.weight(name, 'weight', [out, k], { fanIn: k }, x.dtype)];
  if (o.bias ?? true) inputs.push(b.weight(name, 'bias', [out], { fanIn: k }, x.dtype));
  return b.node('Gemm', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape: [x.shape[0], out] }],
    attrs: { alpha: f(1), beta: f(1), transB: 1 },
  })[0];
}

/** Output shape of MatMul for inputs of rank >= 2 (batch dims broadcast). */
export function matmulShape(what: string, a: readonly Dim[], w: readonly Dim[]): Dim[] {
  requireRank(`${what}: left input`, a, 2, Infinity);
  requireRank(`${what}: right input`, w, 2, Infinity);
  const ka = a[a.length - 1];
  const kb = w[w.length - 2];
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    fail(`${what}: inner dims differ: ${fmtShape(a)} x ${fmtShape(w)} (${ka} vs ${kb})`);
  }
  const batch = broadcastShapes(`${what}: batch dims`, a.slice(0, -2), w.slice(0, -2));
  return [...batch, a[a.length - 2], w[w.length - 1]];
}

/** MatMul of two values, or of x with a seeded weight [K, out] when `y` is `{ out }`. */
export function matmul(b: BuilderCore, x: Value, y: Value | { out: number }, o: { name?: string } = {}): Value {
  const name = b.nodeName('matmul', o.name);
  let w: Value;
  if ('name' in y) {
    w = y;
  } else {
    requireRank(`matmul ${name}: input ${x.name}`, x.shape, 2, Infinity);
    const k = concrete(`matmul ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
    w = b.weight(name, 'weight', [k, positiveInt(`matmul ${name}: out features`, y.out)], { fanIn: k }, x.dtype);
  }
  const shape = matmulShape(`matmul ${name}: ${x.name} x ${w.name}`, x.shape, w.shape);
  return b.node('MatMul', [x, w], { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}

/** Linear on [..., K] input: MatMul with weight [K, out] then Add bias [out] (PyTorch export for rank > 2). */
export function linear(b: BuilderCore, x: Value, out: number, o: LinearOptions = {}): Value {
  const name = b.nodeName('linear', o.name);
  requireRank(`linear ${name}: input ${x.name}`, x.shape, 2, Infinity);
  const k = concrete(`linear ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
  positiveInt(`linear ${name}: out features`, out);
  const weight = b.weight(name, 'weight', [k, out], { fanIn: k }, x.dtype);
  const bias = (o.bias ?? true) ? b.weight(name, 'bias', [out], { fanIn: k }, x.dtype) : undefined;
  return b.scoped(name, () => {
    const mm = b.op('MatMul', 'matmul', [x, weight], x.dtype, [...x.shape.slice(0, -1), out]);
    return bias ? b.op('Add', 'add', [mm, bias], x.dtype, mm.shape) : mm;
  });
}

export interface FfnOptions {
  hidden: number;
  /** Output features (default: the input's last dim). */
  out?: number;
  activation?: 'gelu' | 'relu';
  name?: string;
}

/** Linear → activation → Linear (the transformer MLP). */
export function ffn(b: BuilderCore, x: Value, o: FfnOptions): Value {
  const name = b.nodeName('ffn', o.name);
  requireRank(`ffn ${name}: input ${x.name}`, x.shape, 2, Infinity);
  const d = concrete(`ffn ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
  return b.scoped(name, () => {
    const h = linear(b, x, o.hidden, { name: 'fc1' });
    const a = o.activation === 'relu' ? relu(b, h, { name: 'act' }) : gelu(b, h, { name: 'act' });
    return linear(b, a, o.out ?? d, { name: 'fc2' });
  });
}

/** Token embedding: Gather(weight[vocab, dim], ids) → [...ids.shape, dim], as nn.Embedding exports. */
export function embedding(b: BuilderCore, ids: Value, vocab: number, dim: number, o: { name?: string } = {}): Value {
  const name = b.nodeName('embed', o.name);
  if (ids.dtype !== 'int64' && ids.dtype !== 'int32')
    fail(`embedding ${name}: ids ${ids.name} must be int64 or int32, got ${ids.dtype}`);
  positiveInt(`embedding ${name}: vocab`, vocab);
  positiveInt(`embedding ${name}: dim`, dim);
  const weight = b.weight(name, 'weight', [vocab, dim], { uniform: [-1, 1] });
  return b.node('Gather', [weight, ids], {
    name,
    outputs: [{ dtype: weight.dtype, shape: [...ids.shape, dim] }],
    attrs: { axis: 0 },
  })[0];
}
