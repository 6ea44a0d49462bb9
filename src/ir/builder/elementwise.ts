/**
 * Binary elementwise ops with numpy broadcasting. The right operand can be a
 * value, a scalar, or a constant spec (`{ shape: [1, C, 1, 1] }` or `{ shape: [C] }`),
 * which becomes a seeded constant named `${node}.${suffix}`.
 */
import { fromNumbers } from '../tensor.js';
import type { BuilderCore, Value } from './core.js';
import { broadcastShapes, fail, fmtShape } from './dims.js';

/** A constant operand: seeded uniform values in `range` (default [-1, 1]) unless `values` are given. */
export interface ConstSpec {
  shape: readonly number[];
  values?: readonly number[];
  range?: [number, number];
  /** Suffix of the constant's name (default 'const'). */
  suffix?: string;
}

export type Operand = Value | number | ConstSpec;

export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow';

function isValue(o: Operand): o is Value {
  return typeof o === 'object' && 'name' in o;
}

/** Materialises an operand as a value owned by node `owner`. */
export function operand(b: BuilderCore, owner: string, o: Operand, like: Value): Value {
  if (isValue(o)) return o;
  if (typeof o === 'number') return b.scalar(owner, 'const', o, like.dtype);
  if (o.values) return b.weight(owner, o.suffix ?? 'const', o.shape, { values: o.values }, like.dtype);
  return b.weight(owner, o.suffix ?? 'const', o.shape, { uniform: o.range ?? [-1, 1] }, like.dtype);
}

export function binary(b: BuilderCore, op: BinaryOp, x: Value, y: Operand, o: { name?: string } = {}): Value {
  const name = b.nodeName(op.toLowerCase(), o.name);
  const yv = operand(b, name, y, x);
  if (yv.dtype !== x.dtype) fail(`${op} ${name}: dtypes differ: ${x.name} is ${x.dtype}, ${yv.name} is ${yv.dtype}`);
  const shape = broadcastShapes(
    `${op} ${name}: ${x.name}${fmtShape(x.shape)} with ${yv.name}${fmtShape(yv.shape)}`,
    x.shape,
    yv.shape,
  );
  return b.node(op, [x, yv], { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}

/** A free-standing seeded constant (e.g. a mask or a per-channel scale) named exactly `name`. */
export function constantValue(b: BuilderCore, name: string, spec: ConstSpec, dtype: Value['dtype'] = 'float32'): Value {
  if (spec.values) return b.constant(name, fromNumbers(dtype, spec.shape, spec.values));
  const [lo, hi] = spec.range ?? [-1, 1];
  const count = spec.shape.reduce((a, d) => a * d, 1);
  return b.constant(
    name,
    fromNumbers(
      dtype,
      spec.shape,
      Array.from({ length: count }, () => b.rng.uniform(lo, hi)),
    ),
  );
}
