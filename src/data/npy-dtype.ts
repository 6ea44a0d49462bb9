/** NumPy dtype strings (`descr`) ↔ IR dtypes. Only little-endian, fixed-size numeric types. */
import type { DType } from '../ir/types.js';

interface NpyType {
  dtype: DType;
  itemSize: number;
}

/** Accepted descr strings; '=' (native) is little-endian on every platform onnxruntime-node ships for. */
const BY_DESCR: Record<string, NpyType> = {
  f2: { dtype: 'float16', itemSize: 2 },
  f4: { dtype: 'float32', itemSize: 4 },
  f8: { dtype: 'float64', itemSize: 8 },
  i1: { dtype: 'int8', itemSize: 1 },
  i2: { dtype: 'int16', itemSize: 2 },
  i4: { dtype: 'int32', itemSize: 4 },
  i8: { dtype: 'int64', itemSize: 8 },
  u1: { dtype: 'uint8', itemSize: 1 },
  u2: { dtype: 'uint16', itemSize: 2 },
  u4: { dtype: 'uint32', itemSize: 4 },
  u8: { dtype: 'uint64', itemSize: 8 },
  b1: { dtype: 'bool', itemSize: 1 },
};

export const SUPPORTED_DESCRS = ['<f2', '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '<u8', '|b1'];

/** The IR dtype of a descr, or a reason it is not supported. */
export function dtypeOfDescr(descr: string): NpyType | { reason: string } {
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (!m)
    return {
      reason: `dtype '${descr}' is not a simple numeric dtype (structured, string or object arrays are not supported)`,
    };
  const [, order, kind, size] = m;
  const t = BY_DESCR[`${kind}${size}`];
  if (!t) return { reason: `dtype '${descr}' is not supported` };
  if (order === '>' && t.itemSize > 1) {
    return { reason: `dtype '${descr}' is big-endian; save it little-endian (arr.astype('<${kind}${size}'))` };
  }
  return t;
}

export function descrOfDtype(dtype: DType): string | undefined {
  for (const [k, t] of Object.entries(BY_DESCR)) {
    if (t.dtype === dtype) return `${t.itemSize === 1 ? '|' : '<'}${k}`;
  }
  return undefined;
}
