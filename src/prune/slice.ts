/**
 * Keeping a subset of indices along one axis of a tensor, as contiguous typed
 * array copies: for each outer block, each kept index copies one run of `inner`
 * elements (`subarray` + `set`), never one element at a time through numbers.
 */
import { PruneguardError } from '../errors.js';
import { numel } from '../ir/tensor.js';
import type { Tensor, TensorData } from '../ir/types.js';

type Typed = Exclude<TensorData, string[]>;

export function takeAlong(t: Tensor, axis: number, keep: ArrayLike<number>): Tensor {
  const dims = t.dims;
  if (axis < 0 || axis >= dims.length)
    throw new PruneguardError('E_BAD_ARGUMENT', `axis ${axis} out of range for dims [${dims.join(',')}]`);
  const dim = dims[axis];
  for (let k = 0; k < keep.length; k++) {
    if (keep[k] < 0 || keep[k] >= dim)
      throw new PruneguardError('E_BAD_ARGUMENT', `index ${keep[k]} out of range for axis ${axis} of size ${dim}`);
  }
  const outer = numel(dims.slice(0, axis));
  const inner = numel(dims.slice(axis + 1));
  const newDims = [...dims];
  newDims[axis] = keep.length;
  if (Array.isArray(t.data)) {
    const src = t.data;
    const out: string[] = [];
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < keep.length; k++)
        for (let r = 0; r < inner; r++) out.push(src[(o * dim + keep[k]) * inner + r]);
    return { dtype: t.dtype, dims: newDims, data: out };
  }
  const src = t.data as Typed;
  const Ctor = src.constructor as new (n: number) => Typed;
  const out = new Ctor(outer * keep.length * inner);
  let w = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    // Runs of consecutive kept indices copy as one block.
    let k = 0;
    while (k < keep.length) {
      let end = k + 1;
      while (end < keep.length && keep[end] === keep[end - 1] + 1) end++;
      const from = base + keep[k] * inner;
      const len = (end - k) * inner;
      (out as { set(a: ArrayLike<number | bigint>, o: number): void }).set(
        (src as Float32Array).subarray(from, from + len),
        w,
      );
      w += len;
      k = end;
    }
  }
  return { dtype: t.dtype, dims: newDims, data: out };
}

/** A copy of `t` with the given indices along `axis` set to zero (the mask oracle's operation). */
export function zeroAlong(t: Tensor, axis: number, zero: ArrayLike<number>): Tensor {
  const dims = t.dims;
  const dim = dims[axis];
  const outer = numel(dims.slice(0, axis));
  const inner = numel(dims.slice(axis + 1));
  if (Array.isArray(t.data)) throw new PruneguardError('E_UNSUPPORTED_DTYPE', 'cannot zero a string tensor');
  const data = (t.data as Typed).slice() as Typed;
  const zeroValue = data instanceof BigInt64Array || data instanceof BigUint64Array ? 0n : 0;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < zero.length; k++) {
      const from = (o * dim + zero[k]) * inner;
      (data as { fill(v: number | bigint, s: number, e: number): void }).fill(zeroValue, from, from + inner);
    }
  }
  return { dtype: t.dtype, dims: [...dims], data };
}

/** The complement of `remove` in [0, n), ascending. */
export function keptIndices(n: number, remove: Iterable<number>): Int32Array {
  const gone = new Uint8Array(n);
  for (const i of remove) gone[i] = 1;
  const out = new Int32Array(n - gone.reduce((a, v) => a + v, 0));
  let w = 0;
  for (let i = 0; i < n; i++) if (!gone[i]) out[w++] = i;
  return out;
}
