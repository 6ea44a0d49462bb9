/**
 * Einsum, and the dense layer Keras (EinsumDense) and Flax (DenseGeneral) write
 * with it: a kernel whose axes are named by the equation, e.g. per-head
 * projections 'bte,ehd->bthd' with a kernel [E, H, hd]. Explicit outputs only;
 * no ellipsis (what exporters of these layers write).
 */
import type { Dim } from '../types.js';
import type { BuilderCore, Value } from './core.js';
import { binary } from './elementwise.js';
import { fail, fmtShape } from './dims.js';

function parse(what: string, equation: string, ranks: number[]): { inputs: string[]; output: string } {
  const m = /^([a-zA-Z,]+)->([a-zA-Z]*)$/.exec(equation.replace(/\s+/g, ''));
  if (!m) fail(`${what}: equation "${equation}" must be explicit ("ab,bc->ac"), without ellipsis`);
  const inputs = m[1].split(',');
  if (inputs.length !== ranks.length)
    fail(`${what}: equation has ${inputs.length} operands, got ${ranks.length} inputs`);
  inputs.forEach((t, i) => {
    if (t.length !== ranks[i]) fail(`${what}: term ${t} does not fit an input of rank ${ranks[i]}`);
  });
  return { inputs, output: m[2] };
}

/** Einsum of values; every label must have one size across operands. */
export function einsum(b: BuilderCore, xs: readonly Value[], equation: string, o: { name?: string } = {}): Value {
  const name = b.nodeName('einsum', o.name);
  const what = `einsum ${name}`;
  const eq = parse(
    what,
    equation,
    xs.map((x) => x.shape.length),
  );
  const sizes = new Map<string, Dim>();
  eq.inputs.forEach((t, i) =>
    [...t].forEach((l, k) => {
      const d = xs[i].shape[k];
      const prev = sizes.get(l);
      if (prev !== undefined && prev !== d)
        fail(`${what}: label ${l} is ${prev} in one operand and ${d} in ${xs[i].name}${fmtShape(xs[i].shape)}`);
      sizes.set(l, d);
    }),
  );
  const shape = [...eq.output].map((l) => {
    if (!sizes.has(l)) fail(`${what}: output label ${l} is in no operand`);
    return sizes.get(l)!;
  });
  return b.node('Einsum', xs, { name, outputs: [{ dtype: xs[0].dtype, shape }], attrs: { equation } })[0];
}

export interface EinsumDenseOptions {
  /** A bias over the kernel's output axes (Keras' bias_axes), added after the Einsum (default false). */
  bias?: boolean;
  name?: string;
}

/**
 * x contracted with a seeded kernel: `equation` is "<x>,<kernel>-><out>" and `kernel` gives the
 * kernel's dims (its labels shared with x must match x's sizes).
 */
export function einsumDense(
  b: BuilderCore,
  x: Value,
  equation: string,
  kernel: readonly number[],
  o: EinsumDenseOptions = {},
): Value {
  const name = b.nodeName('dense', o.name);
  const eq = parse(`einsumDense ${name}`, equation, [x.shape.length, kernel.length]);
  const [xs, ks] = eq.inputs;
  const fanIn = [...ks].reduce((p, l, i) => (xs.includes(l) && !eq.output.includes(l) ? p * kernel[i] : p), 1);
  const weight = b.weight(name, 'kernel', kernel, { fanIn }, x.dtype);
  return b.scoped(name, () => {
    const y = einsum(b, [x, weight], equation, { name: 'einsum' });
    if (!o.bias) return y;
    // The bias covers the output axes the kernel creates (e.g. [H, hd]), aligned to the right.
    const axes = [...eq.output].filter((l) => !xs.includes(l));
    if (eq.output.slice(eq.output.length - axes.length) !== axes.join(''))
      fail(`einsumDense ${name}: the kernel's output axes must be the last ones for a bias`);
    const bias = b.weight(
      name,
      'bias',
      axes.map((l) => kernel[ks.indexOf(l)]),
      { fanIn },
      x.dtype,
    );
    return binary(b, 'Add', y, bias, { name: 'add' });
  });
}
