/**
 * The NumPy `.npy` format (versions 1–3): a magic string, a Python-dict header
 * (`descr`, `fortran_order`, `shape`), then raw little-endian C-order data.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { PruneguardError } from '../errors.js';
import { BUDGETS } from '../util/budgets.js';
import { allocate, numel } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import { descrOfDtype, dtypeOfDescr, SUPPORTED_DESCRS } from './npy-dtype.js';
import { parseHeaderDict } from './npy-header.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The parsed header of a `.npy` array: dtype descriptor, memory order, shape and where the data starts. */
export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

function bad(where: string, message: string): PruneguardError {
  return new PruneguardError('E_BAD_DATA', `${where}: ${message}`);
}

/** Parses the header; `where` names the file (and array) in error messages. */
export function parseNpyHeader(bytes: Uint8Array, where: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad(where, 'not a .npy array (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(where, `unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw bad(where, 'truncated header');
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  // numpy's np.load refuses longer headers too (the parse is linear in any case).
  if (headerLen > BUDGETS.npyHeaderBytes)
    throw bad(
      where,
      `header of ${headerLen} bytes, over the ${BUDGETS.npyHeaderBytes}-byte limit numpy itself applies`,
    );
  const start = 8 + lenSize;
  if (start + headerLen > bytes.length)
    throw bad(where, `truncated header (needs ${headerLen} bytes, file has ${bytes.length - start})`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const dict = parseHeaderDict(text);
  const descr = 'error' in dict ? undefined : dict.get('descr');
  const fortran = 'error' in dict ? undefined : dict.get('fortran_order');
  const shape = 'error' in dict ? undefined : dict.get('shape');
  if (typeof descr === 'object' && !Array.isArray(descr))
    throw bad(where, 'structured dtypes are not supported; save one array per field');
  if (typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape))
    throw bad(where, `malformed header ${JSON.stringify(text.trim().slice(0, 200))}`);
  const dims = shape;
  if (dims.some((d) => !/^\d{1,15}$/.test(d))) throw bad(where, `malformed shape (${dims.join(', ')})`);
  if (dims.length > 32) throw bad(where, `${dims.length} dimensions (at most 32)`);
  return {
    descr,
    fortranOrder: fortran,
    shape: dims.map(Number),
    dataOffset: start + headerLen,
  };
}

/**
 * Reads one array. Fortran-order arrays are refused rather than transposed
 * silently: re-save with `np.ascontiguousarray`.
 * @example const t = readNpy(fs.readFileSync('x.npy'), 'x.npy');
 */
export function readNpy(bytes: Uint8Array, where = '<npy>'): Tensor {
  const h = parseNpyHeader(bytes, where);
  if (h.fortranOrder) throw bad(where, 'Fortran-order array; save it in C order (np.ascontiguousarray(a))');
  const t = dtypeOfDescr(h.descr);
  if ('reason' in t) throw bad(where, `${t.reason} (supported: ${SUPPORTED_DESCRS.join(' ')})`);
  const count = numel(h.shape);
  const byteLen = count * t.itemSize;
  const available = bytes.length - h.dataOffset;
  if (available < byteLen) {
    throw bad(
      where,
      `truncated data: shape (${h.shape.join(', ')}) of ${h.descr} needs ${byteLen} bytes, file has ${available}`,
    );
  }
  // Copy into fresh storage: the data offset need not be aligned for a typed-array view.
  const data = allocate(t.dtype, count);
  if (Array.isArray(data)) throw bad(where, 'string arrays are not supported');
  new Uint8Array(data.buffer).set(bytes.subarray(h.dataOffset, h.dataOffset + byteLen));
  if (t.dtype === 'bool') {
    const u = data as Uint8Array;
    for (let i = 0; i < u.length; i++) if (u[i] > 1) throw bad(where, `bool element ${i} has byte value ${u[i]}`);
  }
  return { dtype: t.dtype, dims: h.shape, data };
}

/** Encodes one array as `.npy` (version 1.0, or 2.0 when the header is huge). */
export function writeNpy(t: Tensor, where = '<tensor>'): Uint8Array {
  const descr = descrOfDtype(t.dtype);
  if (!descr || Array.isArray(t.data))
    throw new PruneguardError('E_UNSUPPORTED_DTYPE', `${where}: cannot write ${t.dtype} to .npy`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const lenSize = header.length + 12 > 0xffff ? 4 : 2;
  const pre = 8 + lenSize;
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  header += ' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64) + '\n';
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(pre + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = lenSize === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenSize === 2) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, pre + header.length);
  return out;
}
