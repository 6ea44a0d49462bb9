/**
 * ONNX TensorProto.DataType codes <-> IR DType. Part of the IR, not of the protobuf layer: Cast's
 * `to` and Constant-like attributes carry these codes.
 */
import { PruneguardError } from '../errors.js';
import type { DType } from './types.js';

/** The ONNX DataType codes pruneguard reads and writes (onnx.proto, TensorProto.DataType). */
export const ONNX_DTYPE = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

const D = ONNX_DTYPE;
const toIr = new Map<number, DType>([
  [D.FLOAT, 'float32'],
  [D.DOUBLE, 'float64'],
  [D.FLOAT16, 'float16'],
  [D.BFLOAT16, 'bfloat16'],
  [D.INT8, 'int8'],
  [D.UINT8, 'uint8'],
  [D.INT16, 'int16'],
  [D.UINT16, 'uint16'],
  [D.INT32, 'int32'],
  [D.UINT32, 'uint32'],
  [D.INT64, 'int64'],
  [D.UINT64, 'uint64'],
  [D.BOOL, 'bool'],
  [D.STRING, 'string'],
]);
const toOnnx = new Map<DType, number>([...toIr].map(([k, v]) => [v, k]));

export function dtypeFromOnnx(code: number): DType {
  const d = toIr.get(code);
  if (!d) throw new PruneguardError('E_UNSUPPORTED_DTYPE', `unsupported ONNX tensor data type ${code}`);
  return d;
}

export function tryDtypeFromOnnx(code: number | null | undefined): DType | undefined {
  return code === null || code === undefined ? undefined : toIr.get(code);
}

export function dtypeToOnnx(dtype: DType): number {
  return toOnnx.get(dtype)!;
}

/** Bytes per element in raw_data (little-endian); 0 for strings. */
export function byteSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1;
    case 'string':
      return 0;
  }
}
