/**
 * Reshape with a target given as numbers (0 = copy, -1 = infer) or `{ axis }`
 * (the runtime size of an axis of the input, or of `of`). Static form: one int64
 * initializer. Dynamic form: Shape → Gather → Unsqueeze → Concat, as exporters
 * emit for `x.view(x.size(0), x.size(1), H, hd)`.
 */
import type { Dim } from '../types.js';
import type { BuilderCore, Value } from './core.js';
import { factors, fail, fmtShape, monomial } from './dims.js';
import { concat, gather, shapeOf, unsqueeze } from './shape-ops.js';

export type ReshapeDim = number | { axis: number; of?: Value };

export interface ReshapeOptions {
  /** Build the shape from Shape/Gather/Unsqueeze/Concat instead of a constant (default false). */
  dynamic?: boolean;
  name?: string;
}

/** numel(all) / numel(known), when expressible. */
function inferDim(what: string, all: readonly Dim[], known: readonly Dim[]): Dim {
  const num = factors(all);
  const den = factors(known);
  if (!num || !den) return null;
  const syms = [...num.syms];
  for (const s of den.syms) {
    const i = syms.indexOf(s);
    if (i < 0) return null;
    syms.splice(i, 1);
  }
  if (den.n === 0 || num.n % den.n !== 0) {
    if (syms.length === 0) fail(`${what}: ${num.n} elements cannot be reshaped with the other dims giving ${den.n}`);
    return null;
  }
  const n = num.n / den.n;
  return monomial(n, syms);
}

export function reshape(b: BuilderCore, x: Value, dims: readonly ReshapeDim[], o: ReshapeOptions = {}): Value {
  const name = b.nodeName('reshape', o.name);
  const what =
    `reshape ${name}: ${x.name}${fmtShape(x.shape)} to ` +
    `[${dims.map((d) => (typeof d === 'number' ? d : `axis${d.axis}`)).join(',')}]`;
  const out: Dim[] = [];
  let inferAt = -1;
  dims.forEach((d, i) => {
    if (typeof d !== 'number') {
      const src = d.of ?? x;
      if (d.axis < 0 || d.axis >= src.shape.length)
        fail(`${what}: axis ${d.axis} is out of range for ${src.name}${fmtShape(src.shape)}`);
      out.push(src.shape[d.axis]);
    } else if (d === 0) {
      if (i >= x.shape.length) fail(`${what}: 0 at position ${i} has no input dim to copy`);
      out.push(x.shape[i]);
    } else if (d === -1) {
      if (inferAt >= 0) fail(`${what}: at most one -1 is allowed`);
      inferAt = i;
      out.push(null);
    } else if (Number.isInteger(d) && d > 0) out.push(d);
    else fail(`${what}: dim ${d} is not a positive integer, 0 or -1`);
  });
  if (inferAt >= 0)
    out[inferAt] = inferDim(
      what,
      x.shape,
      out.filter((_, i) => i !== inferAt),
    );
  else {
    const a = factors(x.shape);
    const c = factors(out);
    if (a && c && a.syms.length === 0 && c.syms.length === 0 && a.n !== c.n)
      fail(`${what}: element counts differ (${a.n} vs ${c.n})`);
  }
  const shapeInput = o.dynamic
    ? dynamicShape(b, name, x, dims)
    : b.ints(name, 'shape', staticDims(what, x, dims, inferAt));
  return b.node('Reshape', [x, shapeInput], { name, outputs: [{ dtype: x.dtype, shape: out }] })[0];
}

/** `{axis}` entries become the concrete size, 0 (same position of x), or the one -1. */
function staticDims(what: string, x: Value, dims: readonly ReshapeDim[], inferAt: number): number[] {
  let minus = inferAt >= 0;
  return dims.map((d, i) => {
    if (typeof d === 'number') return d;
    const src = d.of ?? x;
    const size = src.shape[d.axis];
    if (typeof size === 'number') return size;
    if (src === x && d.axis === i) return 0;
    if (minus)
      fail(`${what}: symbolic dim ${String(size)} at position ${i} needs dynamic: true (a -1 is already used)`);
    minus = true;
    return -1;
  });
}

function dynamicShape(b: BuilderCore, owner: string, x: Value, dims: readonly ReshapeDim[]): Value {
  return b.scoped(owner, () => {
    const shapes = new Map<Value, Value>();
    const parts = dims.map((d, i) => {
      if (typeof d === 'number') return b.ints(owner, `dim${i}`, [d]);
      const src = d.of ?? x;
      let s = shapes.get(src);
      if (!s) shapes.set(src, (s = shapeOf(b, src)));
      return unsqueeze(b, gather(b, s, d.axis), [0]);
    });
    return concat(b, parts, 0);
  });
}
