/** Reductions whose `axes` moved from attribute to input in opset 18. */
import type { BuilderCore, Value } from './core.js';
import { normAxis } from './dims.js';

export interface ReduceOptions {
  axes: number[];
  keepdims?: boolean;
  name?: string;
}

export function reduce(
  b: BuilderCore,
  opType: 'ReduceMean' | 'ReduceSum' | 'ReduceMax',
  x: Value,
  o: ReduceOptions,
): Value {
  const name = b.nodeName(opType.toLowerCase(), o.name);
  const rank = x.shape.length;
  const axes = o.axes.map((a) => normAxis(a, rank, `${opType} ${name} on ${x.name}`));
  const keep = o.keepdims ?? true;
  const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const inputs = [x];
  const attrs: Record<string, number | number[]> = { keepdims: keep ? 1 : 0 };
  if (b.opset >= 18 || (opType === 'ReduceSum' && b.opset >= 13)) inputs.push(b.ints(name, 'axes', o.axes));
  else attrs.axes = o.axes;
  return b.node(opType, inputs, { name, outputs: [{ dtype: x.dtype, shape }], attrs })[0];
}

export const reduceMean = (b: BuilderCore, x: Value, o: ReduceOptions) => reduce(b, 'ReduceMean', x, o);
