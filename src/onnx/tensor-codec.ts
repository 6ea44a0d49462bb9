/**
 * TensorProto <-> IR Tensor. Reads raw_data, every typed field ONNX defines for the supported
 * dtypes, and external data; writes raw_data (little-endian, bit-identical), inline or external.
 *
 * Weights are not copied at load: a tensor's `data` is made on first use, as a view of the
 * file's bytes (moved a few bytes back in place when misaligned for its element type, see
 * alignedInPlace; a copy only for 8-byte types), or read from its external-data file. Until then saving writes the
 * stored bytes as they are (`storedBytes`).
 * Every check (dtype, dims, lengths, external ranges) still happens at load.
 */
import { PruneguardError } from '../errors.js';
import { byteSize, dtypeFromOnnx, dtypeToOnnx } from '../ir/dtype-codes.js';
import { allocate, numel } from '../ir/tensor.js';
import type { DType, Tensor, TensorData } from '../ir/types.js';
import { readRange, type ExternalDataResolver } from './external-data.js';
import { type Reader, WIRE, readRepeated } from './wire/reader.js';
import { OpaqueCollector, OpaqueWriter } from './wire/opaque.js';
import type { FileRange, Part, Writer } from './wire/writer.js';

const MAX_ELEMENTS = 2 ** 31 - 1;
const EXTERNAL = 1;
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

export interface TensorContext {
  /** Resolves external_data entries; absent when the model came as bytes without a folder. */
  external?: ExternalDataResolver;
  /** True when the bytes are pruneguard's own (read from a file): data may then view them. */
  ownBytes: boolean;
}

/** Where a loaded tensor's bytes are, while its `data` has not been made yet. */
const stored = new WeakMap<Tensor, { part: Part; pending: () => boolean }>();
/** Unmodeled TensorProto fields (doc_string, segment, metadata_props), by tensor. */
const tensorExtra = new WeakMap<Tensor, Uint8Array>();
/** Names of attribute tensors (a Constant's value may carry one); initializers are named by their key. */
const tensorName = new WeakMap<Tensor, string>();

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

interface Fields {
  name: string;
  dims: number[];
  dataType: number;
  raw?: Uint8Array;
  floats: number[];
  int32s: number[];
  strings: Uint8Array[];
  int64s: (number | bigint)[];
  doubles: number[];
  uint64s: (number | bigint)[];
  externalData: { key: string; value: string }[];
  dataLocation: number;
  extra: OpaqueCollector;
}

function readFields(r: Reader): Fields {
  const f: Fields = {
    name: '',
    dims: [],
    dataType: 0,
    floats: [],
    int32s: [],
    strings: [],
    int64s: [],
    doubles: [],
    uint64s: [],
    externalData: [],
    dataLocation: 0,
    extra: new OpaqueCollector(),
  };
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case TF.dims:
        readRepeated(r, wire, (x) => x.int64Number(), f.dims);
        break;
      case TF.dataType:
        f.dataType = r.uint32();
        break;
      case TF.floatData:
        readRepeated(r, wire, (x) => x.float(), f.floats);
        break;
      case TF.int32Data:
        readRepeated(r, wire, (x) => x.uint32(), f.int32s);
        break;
      case TF.stringData:
        f.strings.push(r.bytes());
        break;
      case TF.int64Data:
        readRepeated(r, wire, (x) => x.int64(), f.int64s);
        break;
      case TF.name:
        f.name = r.string();
        break;
      case TF.rawData:
        f.raw = r.bytes();
        break;
      case TF.doubleData:
        readRepeated(r, wire, (x) => x.double(), f.doubles);
        break;
      case TF.uint64Data:
        readRepeated(r, wire, (x) => x.int64(), f.uint64s);
        break;
      case TF.externalData:
        f.externalData.push(readEntry(r.message()));
        break;
      case TF.dataLocation:
        f.dataLocation = r.uint32();
        break;
      default:
        f.extra.keep(r, start, wire);
    }
  }
  return f;
}

/** A StringStringEntryProto. */
export function readEntry(r: Reader): { key: string; value: string } {
  let key = '',
    value = '';
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1) key = r.string();
    else if (field === 2) value = r.string();
    else r.skip(wire);
  }
  return { key, value };
}

/** Decodes one TensorProto (a sub-message reader) into its name and IR tensor. */
export function decodeTensor(r: Reader, ctx: TensorContext): { name: string; tensor: Tensor } {
  const f = readFields(r);
  const { name } = f;
  const dtype = dtypeFromOnnx(f.dataType);
  const dims = f.dims;
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new PruneguardError('E_CORRUPT_MODEL', `tensor '${name}' has invalid dims [${dims.join(',')}]`);
  }
  const count = numel(dims);
  if (count > MAX_ELEMENTS) {
    throw new PruneguardError(
      'E_CORRUPT_MODEL',
      `tensor '${name}' claims ${count} elements (dims [${dims.join(',')}]), more than this tool can hold`,
    );
  }
  let tensor: Tensor;
  if (f.dataLocation === EXTERNAL) {
    if (!ctx.external)
      throw new PruneguardError(
        'E_EXTERNAL_DATA',
        `tensor '${name}' uses external data but the model was loaded from bytes without a base folder`,
      );
    const range = ctx.external(f.externalData, name);
    checkRawLength(name, dtype, dims, range.length);
    tensor = lazy(dtype, dims, range, () => readRange(range));
  } else if (f.raw && f.raw.length > 0) {
    const raw = f.raw;
    checkRawLength(name, dtype, dims, raw.length);
    tensor = lazy(dtype, dims, raw, () => (ctx.ownBytes ? alignedInPlace(raw, byteSize(dtype)) : new Uint8Array(raw)));
  } else {
    tensor = { dtype, dims, data: fromTyped(name, f, dtype, dims, count) };
  }
  const extra = f.extra.result();
  if (extra) tensorExtra.set(tensor, extra);
  if (name) tensorName.set(tensor, name);
  return { name, tensor };
}

/**
 * `raw` (a field of a buffer that is pruneguard's own) as bytes aligned for elements of `size` bytes,
 * without a copy where possible: a misaligned payload is moved back by its misalignment over its own
 * field header (tag and length, already decoded, nothing else refers to them), which is at least
 * 3 bytes for any payload of 128 bytes or more, enough for float32 and the 2-byte types. The stored
 * bytes are no longer read once `data` is made, so the moved header harms nothing. Otherwise a copy.
 */
function alignedInPlace(raw: Uint8Array, size: number): Uint8Array {
  const shift = raw.byteOffset % size;
  if (shift === 0) return raw;
  if (shift > fieldHeaderBytes(raw.length)) return new Uint8Array(raw);
  const whole = new Uint8Array(raw.buffer);
  whole.copyWithin(raw.byteOffset - shift, raw.byteOffset, raw.byteOffset + raw.length);
  return whole.subarray(raw.byteOffset - shift, raw.byteOffset - shift + raw.length);
}

/** Bytes of raw_data's tag (field 9, one byte) and its length varint. */
function fieldHeaderBytes(length: number): number {
  let n = 1;
  do {
    n++;
    length = Math.floor(length / 128);
  } while (length > 0);
  return n;
}

function checkRawLength(name: string, dtype: DType, dims: number[], length: number): void {
  const size = byteSize(dtype);
  if (size === 0) throw new PruneguardError('E_CORRUPT_MODEL', `string tensor '${name}' cannot use raw_data`);
  const need = numel(dims) * size;
  if (length !== need) {
    throw new PruneguardError(
      'E_CORRUPT_MODEL',
      `tensor '${name}' (${dtype}, dims [${dims.join(',')}]) needs ${need} bytes of data, has ${length}`,
    );
  }
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
function lazy(dtype: DType, dims: number[], part: Part, bytes: () => Uint8Array): Tensor {
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

function fromTyped(name: string, f: Fields, dtype: DType, dims: number[], count: number): TensorData {
  const [field, values, conv] = typedField(f, dtype);
  // Check the length before allocating: a corrupt file may claim 2^31 elements and carry none.
  if (values.length !== count) {
    throw new PruneguardError(
      'E_CORRUPT_MODEL',
      `tensor '${name}' (${dtype}, dims [${dims.join(',')}]) needs ${count} values, ${field} has ${values.length}`,
    );
  }
  const data = allocate(dtype, count);
  const out = data as unknown as { [i: number]: unknown };
  for (let i = 0; i < count; i++) out[i] = conv(values[i] as never);
  return data;
}

type Conv = (v: never) => number | bigint | string;
const utf8 = new TextDecoder();

function typedField(f: Fields, dtype: DType): [string, readonly unknown[], Conv] {
  switch (dtype) {
    case 'float32':
      return ['float_data', f.floats, Number];
    case 'float64':
      return ['double_data', f.doubles, Number];
    case 'int64':
      return ['int64_data', f.int64s, (v: number | bigint) => BigInt.asIntN(64, BigInt(v))];
    case 'uint64':
      return ['uint64_data', f.uint64s, (v: number | bigint) => BigInt.asUintN(64, BigInt(v))];
    case 'uint32':
      return ['uint64_data', f.uint64s, (v: number | bigint) => Number(BigInt.asUintN(32, BigInt(v)))];
    case 'string':
      return ['string_data', f.strings, (v: Uint8Array) => utf8.decode(v)];
    // int32_data carries every narrower integer type, bool, and the bits of float16/bfloat16.
    default:
      return ['int32_data', f.int32s, Number];
  }
}

/** Where `encodeTensor` puts a tensor's bytes: inline raw_data, or an external-data file. */
export type TensorPlacement =
  | { kind: 'inline' }
  | { kind: 'external'; location: string; offset: number; length: number };

/** Writes `t` as a TensorProto's fields into `w`. */
export function encodeTensor(
  w: Writer,
  t: Tensor,
  name: string | undefined,
  placement: TensorPlacement = { kind: 'inline' },
): void {
  const o = new OpaqueWriter(w, tensorExtra.get(t));
  name ??= tensorName.get(t);
  for (const d of t.dims) o.before(TF.dims).tag(TF.dims, WIRE.varint).varint(d);
  o.before(TF.dataType).tag(TF.dataType, WIRE.varint).varint(dtypeToOnnx(t.dtype));
  if (t.dtype === 'string') {
    for (const s of t.data as string[]) o.before(TF.stringData).bytes(TF.stringData, new TextEncoder().encode(s));
  }
  if (name !== undefined) o.before(TF.name).string(TF.name, name);
  if (t.dtype === 'string') {
    // string_data is written above: it comes before name.
  } else if (placement.kind === 'external') {
    const entries = [
      ['location', placement.location],
      ['offset', String(placement.offset)],
      ['length', String(placement.length)],
    ];
    for (const [key, value] of entries)
      o.before(TF.externalData).message(TF.externalData, (e) => e.string(1, key).string(2, value));
    o.before(TF.dataLocation).tag(TF.dataLocation, WIRE.varint).varint(EXTERNAL);
  } else {
    const s = storedBytes(t);
    o.before(TF.rawData);
    if (s instanceof Uint8Array) w.bytes(TF.rawData, s);
    else if (s) w.fileBytes(TF.rawData, s);
    else w.bytes(TF.rawData, dataBytes(t));
  }
  o.end();
}

/** A tensor's bytes as stored in raw_data (a view of its data, little-endian). */
export function dataBytes(t: Tensor): Uint8Array {
  const view = t.data as Exclude<TensorData, string[]>;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Bytes of raw_data a tensor takes (0 for strings). */
export function tensorByteLength(t: Tensor): number {
  return numel(t.dims) * byteSize(t.dtype);
}
