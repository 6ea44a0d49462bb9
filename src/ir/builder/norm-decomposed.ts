/**
 * Normalizations as exporters decompose them: LayerNorm before opset 17, RMSNorm
 * (no ONNX op), and GroupNorm (GroupNormalization from opset 18, before that
 * InstanceNormalization on a [N, G, -1] reshape followed by a per-channel affine).
 */
import type { BuilderCore, Value } from './core.js';
import { f } from './core.js';
import { concrete, fail, positiveInt, productDim, requireRank } from './dims.js';
import { reduceMean } from './reduce.js';

interface Opts {
  eps?: number;
  name?: string;
}

/** x - mean, Pow 2, mean, + eps, Sqrt, Div, * weight, + bias (PyTorch <= opset 16 export). */
export function layerNormDecomposed(b: BuilderCore, x: Value, o: Opts = {}): Value {
  const name = b.nodeName('ln', o.name);
  requireRank(`layerNorm ${name}: input ${x.name}`, x.shape, 1, Infinity);
  const d = concrete(`layerNorm ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
  const { dtype, shape } = x;
  const weight = b.weight(name, 'weight', [d], { uniform: [0.5, 1.5] }, dtype);
  const bias = b.weight(name, 'bias', [d], { uniform: [-0.5, 0.5] }, dtype);
  return b.scoped(name, () => {
    const mean = reduceMean(b, x, { axes: [-1] });
    const centered = b.op('Sub', 'sub', [x, mean], dtype, shape);
    const sq = b.op('Pow', 'pow', [centered, b.scalar(name, 'two', 2, dtype)], dtype, shape);
    const variance = reduceMean(b, sq, { axes: [-1] });
    const plus = b.op('Add', 'add', [variance, b.scalar(name, 'eps', o.eps ?? 1e-5, dtype)], dtype, variance.shape);
    const std = b.op('Sqrt', 'sqrt', [plus], dtype, variance.shape);
    const normed = b.op('Div', 'div', [centered, std], dtype, shape);
    const scaled = b.op('Mul', 'mul', [normed, weight], dtype, shape);
    return b.op('Add', 'add', [scaled, bias], dtype, shape);
  });
}

/** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(b: BuilderCore, x: Value, o: Opts = {}): Value {
  const name = b.nodeName('rms', o.name);
  requireRank(`rmsNorm ${name}: input ${x.name}`, x.shape, 1, Infinity);
  const d = concrete(`rmsNorm ${name}: last dim of ${x.name}`, x.shape, x.shape.length - 1);
  const { dtype, shape } = x;
  const weight = b.weight(name, 'weight', [d], { uniform: [0.5, 1.5] }, dtype);
  return b.scoped(name, () => {
    const sq = b.op('Pow', 'pow', [x, b.scalar(name, 'two', 2, dtype)], dtype, shape);
    const ms = reduceMean(b, sq, { axes: [-1] });
    const plus = b.op('Add', 'add', [ms, b.scalar(name, 'eps', o.eps ?? 1e-6, dtype)], dtype, ms.shape);
    const rms = b.op('Sqrt', 'sqrt', [plus], dtype, ms.shape);
    const normed = b.op('Div', 'div', [x, rms], dtype, shape);
    return b.op('Mul', 'mul', [normed, weight], dtype, shape);
  });
}

export interface GroupNormOptions extends Opts {
  groups: number;
  /** 'op': GroupNormalization (default from opset 18); 'instance-norm': the reshape form (default below 18). */
  form?: 'op' | 'instance-norm';
}

/** GroupNorm over NC(spatial...) with per-channel weight/bias, as torch.nn.GroupNorm. */
export function groupNorm(b: BuilderCore, x: Value, o: GroupNormOptions): Value {
  const name = b.nodeName('gn', o.name);
  requireRank(`groupNorm ${name}: input ${x.name}`, x.shape, 3, 5);
  const c = concrete(`groupNorm ${name}: channels of ${x.name}`, x.shape, 1);
  const g = positiveInt(`groupNorm ${name}: groups`, o.groups);
  if (c % g !== 0) fail(`groupNorm ${name}: groups ${g} must divide channels ${c} of ${x.name}`);
  const form = o.form ?? (b.opset >= 18 ? 'op' : 'instance-norm');
  if (form === 'op' && b.opset < 18)
    fail(`groupNorm ${name}: GroupNormalization needs opset >= 18, the builder is at opset ${b.opset}`);
  const { dtype, shape } = x;
  const eps = o.eps ?? 1e-5;
  const affine = [c, ...x.shape.slice(2).map(() => 1)];
  // Opset 21 made GroupNormalization's scale/bias per channel; before, they were per group.
  if (form === 'op' && b.opset >= 21) {
    const inputs = [
      x,
      b.weight(name, 'weight', [c], { uniform: [0.5, 1.5] }, dtype),
      b.weight(name, 'bias', [c], { uniform: [-0.5, 0.5] }, dtype),
    ];
    return b.node('GroupNormalization', inputs, {
      name,
      outputs: [{ dtype, shape }],
      attrs: { epsilon: f(eps), num_groups: g },
    })[0];
  }
  const weight = b.weight(name, 'weight', affine, { uniform: [0.5, 1.5] }, dtype);
  const bias = b.weight(name, 'bias', affine, { uniform: [-0.5, 0.5] }, dtype);
  return b.scoped(name, () => {
    let normed: Value;
    if (form === 'op') {
      const ones = b.weight(name, 'group_scale', [g], { fill: 1 }, dtype);
      const zeros = b.weight(name, 'group_bias', [g], { fill: 0 }, dtype);
      normed = b.op('GroupNormalization', 'groupnorm', [x, ones, zeros], dtype, shape, {
        epsilon: f(eps),
        num_groups: g,
      });
    } else {
      const grouped = b.op('Reshape', 'reshape', [x, b.ints(name, 'group_shape', [0, g, -1])], dtype, [
        x.shape[0],
        g,
        productDim([c / g, ...x.shape.slice(2)]),
      ]);
      const ones = b.weight(name, 'group_scale', [g], { fill: 1 }, dtype);
      const zeros = b.weight(name, 'group_bias', [g], { fill: 0 }, dtype);
      const inorm = b.op('InstanceNormalization', 'instancenorm', [grouped, ones, zeros], dtype, grouped.shape, {
        epsilon: f(eps),
      });
      const origShape = b.op('Shape', 'shape', [x], 'int64', [x.shape.length]);
      normed = b.op('Reshape', 'reshape', [inorm, origShape], dtype, shape);
    }
    const scaled = b.op('Mul', 'mul', [normed, weight], dtype, shape);
    return b.op('Add', 'add', [scaled, bias], dtype, shape);
  });
}
