/**
 * TensorProto <-> IR Tensor. Reads raw_data and every typed field ONNX defines
 * for the supported dtypes; always writes raw_data (little-endian), which keeps
 * values bit-identical and is what exporters write.
 */
import { onnx } from './proto.js';
import { PruneguardError } from '../errors.js';
import { allocate, numel } from '../ir/tensor.js';
import type { Tensor, TensorData } from '../ir/types.js';
import { byteSize, dtypeFromOnnx, dtypeToOnnx } from './dtype.js';
import { toBig, toNum, type LongLike } from './long.js';

/** Loads `external_data` bytes for a tensor; supplied by the model loader. */
export type ExternalDataReader = (entries: { key: string; value: string }[], tensorName: string) => Uint8Array;

const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * The tensor each proto encoded here came from. Its raw_data is a view of that tensor's data, so
 * decoding gives back the same bytes: the tensor itself is returned instead of a copy (generated
 * graphs keep their weights in Constant nodes, and every analysis reads each one back).
 */
const encodedFrom = new WeakMap<onnx.ITensorProto, Tensor>();

/** The typed-array class decoding gives each dtype (looked up once per dtype). */
const storageClass = new Map<Tensor['dtype'], unknown>();
function storageOf(dtype: Tensor['dtype']): unknown {
  let c = storageClass.get(dtype);
  if (c === undefined) storageClass.set(dtype, (c = allocate(dtype, 0).constructor));
  return c;
}

export function decodeTensor(proto: onnx.ITensorProto, readExternal?: ExternalDataReader): Tensor {
  const source = encodedFrom.get(proto);
  if (source) return source;
  const name = proto.name ?? '';
  const dtype = dtypeFromOnnx(proto.dataType ?? 0);
  const dims = (proto.dims ?? []).map((d) => toNum(d as LongLike));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new PruneguardError('E_CORRUPT_MODEL', `tensor '${name}' has invalid dims [${dims.join(',')}]`);
  }
  const count = numel(dims);
  if (count > MAX_ELEMENTS) {
    throw new PruneguardError('E_CORRUPT_MODEL', `tensor '${name}' claims ${count} elements (dims [${dims.join(',')}]), more than this tool can hold`);
  }
  if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    if (!readExternal) throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${name}' uses external data but the model was loaded from bytes without a base folder`);
    const entries = (proto.externalData ?? []).map((e) => ({ key: e.key ?? '', value: e.value ?? '' }));
    return fromRaw(name, dtype, dims, readExternal(entries, name));
  }
  if (proto.rawData && proto.rawData.length > 0) return fromRaw(name, dtype, dims, proto.rawData);
  return fromTyped(name, proto, dtype, dims, count);
}

function fromRaw(name: string, dtype: Tensor['dtype'], dims: number[], raw: Uint8Array): Tensor {
  const count = numel(dims);
  const size = byteSize(dtype);
  if (size === 0) throw new PruneguardError('E_CORRUPT_MODEL', `string tensor '${name}' cannot use raw_data`);
  if (raw.length !== count * size) {
    throw new PruneguardError('E_CORRUPT_MODEL', `tensor '${name}' (${dtype}, dims [${dims.join(',')}]) needs ${count * size} bytes of data, has ${raw.length}`);
  }
  // Copy into an aligned buffer: raw_data may start at any offset of the file.
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  const data = allocate(dtype, 0).constructor as new (b: ArrayBuffer) => TensorData;
  return { dtype, dims, data: new data(bytes.buffer) };
}

function fromTyped(name: string, proto: onnx.ITensorProto, dtype: Tensor['dtype'], dims: number[], count: number): Tensor {
  const [field, values, conv] = typedField(proto, dtype);
  // Check the length before allocating: a corrupt file may claim 2^31 elements and carry none.
  if (values.length !== count) {
    throw new PruneguardError('E_CORRUPT_MODEL', `tensor '${name}' (${dtype}, dims [${dims.join(',')}]) needs ${count} values, ${field} has ${values.length}`);
  }
  const data = allocate(dtype, count);
  const out = data as unknown as { [i: number]: unknown };
  for (let i = 0; i < count; i++) out[i] = conv(values[i]);
  return { dtype, dims, data };
}

type Conv = (v: unknown) => number | bigint | string;

function typedField(proto: onnx.ITensorProto, dtype: Tensor['dtype']): [string, readonly unknown[], Conv] {
  switch (dtype) {
    case 'float32': return ['float_data', proto.floatData ?? [], Number];
    case 'float64': return ['double_data', proto.doubleData ?? [], Number];
    case 'int64': return ['int64_data', proto.int64Data ?? [], (v) => toBig(v as LongLike)];
    case 'uint64': return ['uint64_data', proto.uint64Data ?? [], (v) => toBig(v as LongLike)];
    case 'uint32': return ['uint64_data', proto.uint64Data ?? [], (v) => toNum(v as LongLike)];
    case 'string': return ['string_data', proto.stringData ?? [], (v) => new TextDecoder().decode(v as Uint8Array)];
    // int32_data carries every narrower integer type, bool, and the bits of float16/bfloat16.
    default: return ['int32_data', proto.int32Data ?? [], Number];
  }
}

export function encodeTensor(t: Tensor, name?: string): onnx.ITensorProto {
  const proto: onnx.ITensorProto = { dims: [...t.dims], dataType: dtypeToOnnx(t.dtype) };
  if (name !== undefined) proto.name = name;
  if (t.dtype === 'string') {
    proto.stringData = (t.data as string[]).map((s) => new TextEncoder().encode(s));
    return proto;
  }
  const view = t.data as Exclude<TensorData, string[]>;
  proto.rawData = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  // Unnamed protos are attribute values (Constant nodes), read back in this process; named ones are
  // initializers on their way to bytes. Only when decoding would give the same storage type.
  if (name === undefined && view.constructor === storageOf(t.dtype)) encodedFrom.set(proto, t);
  return proto;
}
