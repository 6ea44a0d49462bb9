/**
 * What a loaded tensor keeps beside its IR form: where its bytes are while its `data` has not been made
 * (so saving writes them as they are, and pruning copies nothing it does not change), the TensorProto
 * fields the IR does not model, and an attribute tensor's own name. Shared by the decoder, which
 * records them, and the encoder, which writes them back.
 */
import { byteSize } from '../ir/dtype-codes.js';
import { allocate, numel } from '../ir/tensor.js';
import type { DType, Tensor, TensorData } from '../ir/types.js';
import type { FileRange, Part } from './wire/writer.js';

/** data_location value of a tensor stored in an external-data file. */
export const EXTERNAL = 1;
/** TensorProto field numbers (onnx.proto). */
export const TF = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  externalData: 13,
  dataLocation: 14,
} as const;

/** Where a loaded tensor's bytes are, while its `data` has not been made yet. */
const stored = new WeakMap<Tensor, { part: Part; pending: () => boolean }>();
/** Unmodeled TensorProto fields (doc_string, segment, metadata_props), by tensor. */
export const tensorExtra = new WeakMap<Tensor, Uint8Array>();
/** Names of attribute tensors (a Constant's value may carry one); initializers are named by their key. */
export const tensorName = new WeakMap<Tensor, string>();

/** The stored bytes of a tensor whose data was never made (so cannot have changed), else undefined. */
export function storedBytes(t: Tensor): Part | undefined {
  const s = stored.get(t);
  return s?.pending() ? s.part : undefined;
}

/** True when `t` keeps its bytes in an external-data file (loaded, not yet read). */
export function storedExternally(t: Tensor): FileRange | undefined {
  const p = storedBytes(t);
  return p && !(p instanceof Uint8Array) && 'path' in p ? p : undefined;
}

/**
 * A tensor whose data `make()` computes on every read, never kept: saving makes, writes and drops it,
 * so a model of such tensors costs no memory until written. For a model that goes straight to a file
 * (the mask oracle handed to onnxruntime); writing into its `data` changes nothing.
 */
export function deferredTensor(dtype: DType, dims: number[], make: () => TensorData): Tensor {
  const bytesOf = () => {
    const d = make() as Exclude<TensorData, string[]>;
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  };
  const t: Tensor = {
    dtype,
    dims,
    get data(): TensorData {
      return make();
    },
  };
  stored.set(t, { part: { length: numel(dims) * byteSize(dtype), make: bytesOf }, pending: () => true });
  return t;
}

const storageClass = new Map<DType, new (b: ArrayBuffer, offset: number, length: number) => TensorData>();
function storageOf(dtype: DType) {
  let c = storageClass.get(dtype);
  if (c === undefined)
    storageClass.set(
      dtype,
      (c = allocate(dtype, 0).constructor as new (b: ArrayBuffer, offset: number, length: number) => TensorData),
    );
  return c;
}

/** A tensor whose typed array is made from `bytes()` on first read of `data`. */
export function lazy(dtype: DType, dims: number[], part: Part, bytes: () => Uint8Array): Tensor {
  let data: TensorData | undefined;
  const t: Tensor = {
    dtype,
    dims,
    get data(): TensorData {
      if (data === undefined) {
        const b = bytes();
        data = new (storageOf(dtype))(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength / byteSize(dtype));
      }
      return data;
    },
  };
  stored.set(t, { part, pending: () => data === undefined });
  return t;
}
