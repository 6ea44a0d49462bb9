/** Normalization layers as single ops, with PyTorch parameter names (`bn1.running_mean`...). */
import type { BuilderCore, Value } from './core.js';
import { f } from './core.js';
import { concrete, fail, requireRank } from './dims.js';
import { layerNormDecomposed } from './norm-decomposed.js';

export interface NormOptions {
  eps?: number;
  name?: string;
}

/** BatchNormalization (inference form) with non-trivial seeded statistics, so a stale BN shows numerically. */
export function batchNorm(b: BuilderCore, x: Value, o: NormOptions = {}): Value {
  const name = b.nodeName('bn', o.name);
  requireRank(`batchNorm ${name}: input ${x.name}`, x.shape, 2, 5);
  const c = concrete(`batchNorm ${name}: channels of ${x.name}`, x.shape, 1);
  const inputs = [
    x,
    b.weight(name, 'weight', [c], { uniform: [0.5, 1.5] }, x.dtype),
    b.weight(name, 'bias', [c], { uniform: [-0.5, 0.5] }, x.dtype),
    b.weight(name, 'running_mean', [c], { uniform: [-0.5, 0.5] }, x.dtype),
    b.weight(name, 'running_var', [c], { uniform: [0.5, 1.5] }, x.dtype),
  ];
  return b.node('BatchNormalization', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape: x.shape }],
    attrs: { epsilon: f(o.eps ?? 1e-5) },
  })[0];
}

export function instanceNorm(b: BuilderCore, x: Value, o: NormOptions = {}): Value {
  const name = b.nodeName('in', o.name);
  requireRank(`instanceNorm ${name}: input ${x.name}`, x.shape, 3, 5);
  const c = concrete(`instanceNorm ${name}: channels of ${x.name}`, x.shape, 1);
  const inputs = [
    x,
    b.weight(name, 'weight', [c], { uniform: [0.5, 1.5] }, x.dtype),
    b.weight(name, 'bias', [c], { uniform: [-0.5, 0.5] }, x.dtype),
  ];
  return b.node('InstanceNormalization', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape: x.shape }],
    attrs: { epsilon: f(o.eps ?? 1e-5) },
  })[0];
}

export interface LayerNormOptions extends NormOptions {
  /**
   * 'op': LayerNormalization (opset >= 17, the default there); 'decomposed': the ReduceMean/Sub/Pow... chain (default
   * below 17).
   */
  form?: 'op' | 'decomposed';
}

/** LayerNorm over the last axis (weight and bias of size D = last dim). */
export function layerNorm(b: BuilderCore, x: Value, o: LayerNormOptions = {}): Value {
  const form = o.form ?? (b.opset >= 17 ? 'op' : 'decomposed');
  if (form === 'decomposed') return layerNormDecomposed(b, x, o);
  if (b.opset < 17)
    fail(
      `layerNorm on ${x.name}: LayerNormalization needs opset >= 17, the builder is at opset ${b.opset}; ` +
        `use form 'decomposed'`,
    );
  const name = b.nodeName('ln', o.name);
  requireRank(`layerNorm ${name}: input ${x.name}`, x.shape, 1, Infinity);
  const d = concrete(`layerNorm ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
  const inputs = [
    x,
    b.weight(name, 'weight', [d], { uniform: [0.5, 1.5] }, x.dtype),
    b.weight(name, 'bias', [d], { uniform: [-0.5, 0.5] }, x.dtype),
  ];
  return b.node('LayerNormalization', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape: x.shape }],
    attrs: { axis: -1, epsilon: f(o.eps ?? 1e-5) },
  })[0];
}
