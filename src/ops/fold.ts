/**
 * Folding of small N-D tensors whose contents are known (`SymbolicValue`, entries
 * possibly symbolic): the index arithmetic Slice and Transpose share. Exporters
 * compute Pad amounts and shape vectors with these on 2-D helper tensors
 * (torch's F.pad: Reshape(-1, 2) → Slice(step -1) → Transpose → Reshape).
 */
import type { Dim } from '../ir/types.js';
import type { SymbolicValue } from '../shape/types.js';

/** Row-major strides of `dims`. */
function strides(dims: readonly number[]): number[] {
  const s = dims.map(() => 1);
  for (let a = dims.length - 2; a >= 0; a--) s[a] = s[a + 1] * dims[a + 1];
  return s;
}

/** The element of `v` at flat positions built from one index list per axis (cartesian, row-major). */
export function gatherAxes(v: SymbolicValue, perAxis: readonly (readonly number[])[]): SymbolicValue {
  const st = strides(v.dims);
  const dims = perAxis.map((ix) => ix.length);
  const values: Dim[] = [];
  const walk = (axis: number, offset: number): void => {
    if (axis === perAxis.length) {
      values.push(v.values[offset]);
      return;
    }
    for (const i of perAxis[axis]) walk(axis + 1, offset + i * st[axis]);
  };
  if (dims.every((d) => d > 0)) walk(0, 0);
  return { dtype: v.dtype, dims, values };
}

/** Indices ONNX Slice visits along an axis of length n (clamped like the spec, any step sign). */
export function sliceIndices(n: number, start: number, end: number, step: number): number[] {
  let i = start < 0 ? start + n : start;
  i = step > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
  let e = end < 0 ? end + n : end;
  e = step > 0 ? Math.min(Math.max(e, 0), n) : Math.min(Math.max(e, -1), n - 1);
  const out: number[] = [];
  for (; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** `v` with its axes permuted: output axis k is input axis perm[k]. */
export function transposeValue(v: SymbolicValue, perm: readonly number[]): SymbolicValue {
  const st = strides(v.dims);
  const dims = perm.map((p) => v.dims[p]);
  const values: Dim[] = [];
  const walk = (k: number, offset: number): void => {
    if (k === perm.length) {
      values.push(v.values[offset]);
      return;
    }
    for (let i = 0; i < dims[k]; i++) walk(k + 1, offset + i * st[perm[k]]);
  };
  if (dims.every((d) => d > 0)) walk(0, 0);
  return { dtype: v.dtype, dims, values };
}
