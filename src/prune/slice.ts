/**
 * Keeping a subset of indices along one axis of a tensor, and zeroing one. The bytes move as
 * unsigned integers of the element's width: runs of consecutive kept indices long enough to pay
 * for a `subarray` are copied with `set`, short ones (the last axis of a MatMul weight) in a tight
 * loop over one of three array types.
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
  const out = new (src.constructor as new (n: number) => Typed)(outer * keep.length * inner);
  const scale = unitsPer(src);
  gather(units(src), units(out), outer, dim * inner * scale, keep, inner * scale);
  return { dtype: t.dtype, dims: newDims, data: out };
}

type Units = Uint8Array | Uint16Array | Uint32Array;

/**
 * The same bytes as unsigned integers of the element's width (4-byte units for 8-byte types): copies
 * then move bits exactly (no NaN canonicalisation, no BigInt boxing) and the loops below see three
 * array types at most, so they stay fast.
 */
function units(a: Typed): Units {
  const b = a.BYTES_PER_ELEMENT;
  if (b === 1) return new Uint8Array(a.buffer, a.byteOffset, a.length);
  if (b === 2) return new Uint16Array(a.buffer, a.byteOffset, a.length);
  return new Uint32Array(a.buffer, a.byteOffset, (a.length * b) / 4);
}
const unitsPer = (a: Typed) => (a.BYTES_PER_ELEMENT === 8 ? 2 : 1);

/** Below this many units per kept index a run is copied element by element (a subarray per run costs more). */
const RUN_COPY_MIN = 64;

/** out = src[o, keep[k], r] for every outer block o (stride `block` units), index k and inner unit r. */
function gather(src: Units, out: Units, outer: number, block: number, keep: ArrayLike<number>, inner: number): void {
  let w = 0;
  const n = keep.length;
  if (inner === 1) {
    // The last axis of a float32 weight: one unit per kept index, no inner loop to set up.
    for (let o = 0; o < outer; o++) {
      const base = o * block;
      for (let k = 0; k < n; k++) out[w++] = src[base + keep[k]];
    }
    return;
  }
  if (inner < RUN_COPY_MIN) {
    for (let o = 0; o < outer; o++) {
      const base = o * block;
      for (let k = 0; k < n; k++) {
        const at = base + keep[k] * inner;
        for (let r = 0; r < inner; r++) out[w++] = src[at + r];
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    // Runs of consecutive kept indices copy as one block.
    let k = 0;
    while (k < n) {
      let end = k + 1;
      while (end < n && keep[end] === keep[end - 1] + 1) end++;
      const at = base + keep[k] * inner;
      const len = (end - k) * inner;
      out.set(src.subarray(at, at + len), w);
      w += len;
      k = end;
    }
  }
}

/** A copy of `t` with the given indices along `axis` set to zero (the mask oracle's operation). */
export function zeroAlong(t: Tensor, axis: number, zero: ArrayLike<number>): Tensor {
  const dims = t.dims;
  const dim = dims[axis];
  const outer = numel(dims.slice(0, axis));
  const inner = numel(dims.slice(axis + 1));
  if (Array.isArray(t.data)) throw new PruneguardError('E_UNSUPPORTED_DTYPE', 'cannot zero a string tensor');
  const data = (t.data as Typed).slice() as Typed;
  const u = units(data);
  const span = inner * unitsPer(data);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < zero.length; k++) {
      const from = (o * dim + zero[k]) * span;
      if (span < RUN_COPY_MIN) for (let r = 0; r < span; r++) u[from + r] = 0;
      else u.fill(0, from, from + span);
    }
  }
  return { dtype: t.dtype, dims: [...dims], data };
}

/**
 * A copy of `t` with the given indices along `axis` set to the zero point `zp` instead of 0: one value,
 * or one per index of `t`'s axis `zpAxis` (an integer weight's per-channel zero point).
 */
export function zeroPointAlong(
  t: Tensor,
  axis: number,
  indices: ArrayLike<number>,
  zp: Tensor,
  zpAxis: number,
): Tensor {
  if (Array.isArray(t.data) || Array.isArray(zp.data))
    throw new PruneguardError('E_UNSUPPORTED_DTYPE', 'cannot mask a string tensor');
  const dims = t.dims;
  const perAxis = numel(zp.dims) !== 1;
  if (perAxis && numel(zp.dims) !== dims[zpAxis])
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `zero point of ${numel(zp.dims)} values does not match axis ${zpAxis} of dims [${dims.join(',')}]`,
    );
  const data = (t.data as Typed).slice() as Typed;
  const values = zp.data as Typed;
  const dim = dims[axis];
  const outer = numel(dims.slice(0, axis));
  const inner = numel(dims.slice(axis + 1));
  const zpStride = numel(dims.slice(zpAxis + 1));
  const zpDim = dims[zpAxis];
  const write = data as unknown as { [i: number]: number | bigint };
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < indices.length; k++) {
      const from = (o * dim + indices[k]) * inner;
      for (let r = 0; r < inner; r++) {
        const at = from + r;
        write[at] = values[perAxis ? Math.floor(at / zpStride) % zpDim : 0];
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
