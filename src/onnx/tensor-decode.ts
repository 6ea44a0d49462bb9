/**
 * TensorProto -> IR Tensor. Reads raw_data, every typed field ONNX defines for the supported
 * dtypes, and external data (tensor-encode.ts writes them back; tensor-store.ts keeps what a loaded
 * tensor carries beside its IR form).
 *
 * Weights are not copied at load: a tensor's `data` is made on first use, as a view of the
 * file's bytes (moved a few bytes back in place when misaligned for its element type, see
 * alignedInPlace; a copy only for 8-byte types), or read from its external-data file. Until then saving writes the
 * stored bytes as they are (`storedBytes`).
 * Every check (dtype, dims, lengths, external ranges) still happens at load.
 */
import { PruneguardError } from '../errors.js';
import { byteSize, dtypeFromOnnx } from '../ir/dtype-codes.js';
import { allocate, numel } from '../ir/tensor.js';
import type { DType, Tensor, TensorData } from '../ir/types.js';
import { readRange, type ExternalDataResolver } from './external-data.js';
import { EXTERNAL, lazy, tensorExtra, tensorName, TF } from './tensor-store.js';
import { type Reader, readRepeated } from './wire/reader.js';
import { OpaqueCollector } from './wire/opaque.js';

const MAX_ELEMENTS = 2 ** 31 - 1;

export interface TensorContext {
  /** Resolves external_data entries; absent when the model came as bytes without a folder. */
  external?: ExternalDataResolver;
  /** True when the bytes are pruneguard's own (read from a file): data may then view them. */
  ownBytes: boolean;
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
