/** IR Tensor <-> onnxruntime Tensor. Storage is shared where the layouts agree. */
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { PruneguardError } from '../errors.js';
import type { DType, Tensor, TensorData } from '../ir/types.js';

const ORT_TYPES = new Set<string>([
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
  'string',
]);

export function toOrt(t: Tensor, name = '<tensor>'): OrtTensor {
  if (!ORT_TYPES.has(t.dtype)) {
    throw new PruneguardError(
      'E_UNSUPPORTED_DTYPE',
      `input '${name}': onnxruntime-node cannot take ${t.dtype} tensors`,
    );
  }
  // ort takes float16 as raw bits in a Uint16Array, which is how the IR stores it.
  return new OrtTensor(t.dtype as 'float32', t.data as Float32Array, [...t.dims]);
}

export function fromOrt(t: OrtTensor): Tensor {
  const dtype = t.type as DType;
  if (!ORT_TYPES.has(dtype))
    throw new PruneguardError('E_UNSUPPORTED_DTYPE', `onnxruntime returned a ${t.type} tensor`);
  let data = t.data as unknown as TensorData;
  // Newer runtimes may hand float16 back as Float16Array; the IR keeps bits.
  if (dtype === 'float16' && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView;
    data = new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2);
  }
  return { dtype, dims: [...t.dims], data };
}

/** "float32[2,3]" — how inputs are named in error messages. */
export function describeTensor(t: { type?: string; dtype?: string; dims: readonly number[] }): string {
  return `${t.dtype ?? t.type}[${t.dims.join(',')}]`;
}
