/** Tensor construction and element access, independent of ONNX encoding. */
import { PruneguardError } from '../errors.js';
import type { DType, Tensor, TensorData } from './types.js';

export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Allocates zeroed storage for `count` elements of `dtype`. */
export function allocate(dtype: DType, count: number): TensorData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(count);
    case 'float64':
      return new Float64Array(count);
    case 'float16':
    case 'bfloat16':
    case 'uint16':
      return new Uint16Array(count);
    case 'int8':
      return new Int8Array(count);
    case 'uint8':
    case 'bool':
      return new Uint8Array(count);
    case 'int16':
      return new Int16Array(count);
    case 'int32':
      return new Int32Array(count);
    case 'uint32':
      return new Uint32Array(count);
    case 'int64':
      return new BigInt64Array(count);
    case 'uint64':
      return new BigUint64Array(count);
    case 'string':
      return new Array<string>(count).fill('');
  }
}

export function tensor(dtype: DType, dims: readonly number[], data?: TensorData | readonly number[]): Tensor {
  const count = numel(dims);
  if (data === undefined) return { dtype, dims: [...dims], data: allocate(dtype, count) };
  if (data.length !== count) {
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `tensor of dims [${dims.join(',')}] needs ${count} elements, got ${data.length}`,
    );
  }
  if (Array.isArray(data) && dtype !== 'string') return fromNumbers(dtype, dims, data as unknown as number[]);
  return { dtype, dims: [...dims], data: data as TensorData };
}

export function fromNumbers(dtype: DType, dims: readonly number[], values: readonly number[]): Tensor {
  const t = { dtype, dims: [...dims], data: allocate(dtype, values.length) };
  for (let i = 0; i < values.length; i++) setElement(t, i, values[i]);
  return t;
}

export function scalar(dtype: DType, value: number): Tensor {
  return fromNumbers(dtype, [], [value]);
}

/** Reads element `i` as a JS number (int64 converted; float16 decoded). */
export function getElement(t: Tensor, i: number): number {
  const d = t.data;
  if (t.dtype === 'float16') return halfToFloat((d as Uint16Array)[i]);
  if (t.dtype === 'bfloat16') return bfloatToFloat((d as Uint16Array)[i]);
  const v = d[i];
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A JS number as a 64-bit integer, saturated: INT64_MAX read as a number rounds up to 2^63, which a
 * BigInt64Array would wrap to INT64_MIN (a Slice's "to the end" folded into "before the start").
 */
function toInt64(dtype: 'int64' | 'uint64', value: number): bigint {
  const v = BigInt(Math.trunc(value));
  if (dtype === 'uint64') return v < 0n ? 0n : v > UINT64_MAX ? UINT64_MAX : v;
  return v > INT64_MAX ? INT64_MAX : v < -INT64_MAX - 1n ? -INT64_MAX - 1n : v;
}

export function setElement(t: Tensor, i: number, value: number): void {
  const d = t.data as unknown as { [k: number]: number | bigint | string };
  switch (t.dtype) {
    case 'float16':
      d[i] = floatToHalf(value);
      return;
    case 'bfloat16':
      d[i] = floatToBfloat(value);
      return;
    case 'int64':
    case 'uint64':
      d[i] = toInt64(t.dtype, value);
      return;
    case 'bool':
      d[i] = value ? 1 : 0;
      return;
    case 'string':
      throw new PruneguardError('E_UNSUPPORTED_DTYPE', 'cannot set a number into a string tensor');
    default:
      d[i] = value;
  }
}

/** All elements as JS numbers (for shape arithmetic and statistics; not for hot loops on big weights). */
export function toNumbers(t: Tensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = getElement(t, i);
  return out;
}

/** Float view of a floating tensor, decoding 16-bit formats; shares storage for float32. */
export function toFloat32(t: Tensor): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = getElement(t, i);
  return out;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

export function cloneTensor(t: Tensor): Tensor {
  const data = Array.isArray(t.data) ? [...t.data] : (t.data as Exclude<TensorData, string[]>).slice();
  return { dtype: t.dtype, dims: [...t.dims], data };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Round-to-nearest-even float32 → float16 bits. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

export function bfloatToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

export function floatToBfloat(v: number): number {
  f32[0] = v;
  const x = u32[0];
  if (Number.isNaN(v)) return 0x7fc0;
  const rounding = 0x7fff + ((x >>> 16) & 1);
  return ((x + rounding) >>> 16) & 0xffff;
}

/** The bytes of tensor data as stored (a view, no copy); strings joined with NUL. For digests and caches. */
export function tensorBytes(data: TensorData): Uint8Array {
  if (Array.isArray(data)) return new TextEncoder().encode(data.join('\u0000'));
  const view = data as Exclude<TensorData, string[]>;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
