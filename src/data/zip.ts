/**
 * A minimal zip reader (stored and deflate members, zip64) and writer (stored),
 * enough for `.npz`. Sizes come from the central directory, because numpy
 * writes local headers with zip64 placeholder sizes.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { PruneguardError } from '../errors.js';

export interface ZipEntry { name: string; data: Uint8Array }

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function bad(where: string, message: string): PruneguardError {
  return new PruneguardError('E_BAD_DATA', `${where}: ${message}`);
}

function findEocd(view: DataView, where: string): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let p = view.byteLength - 22; p >= min; p--) if (view.getUint32(p, true) === EOCD) return p;
  throw bad(where, 'not a zip archive (no end-of-central-directory record); the file may be truncated');
}

/** Reads every member of a zip archive, checking sizes and CRCs. */
export function readZip(bytes: Uint8Array, where = '<zip>'): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw bad(where, `not a zip archive (${bytes.length} bytes)`);
  const eocd = findEocd(view, where);
  let count = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const p = Number(view.getBigUint64(eocd - 12, true));
    if (p + 56 > bytes.length || view.getUint32(p, true) !== EOCD64) throw bad(where, 'corrupt zip64 end record');
    count = Number(view.getBigUint64(p + 32, true));
    cdOffset = Number(view.getBigUint64(p + 48, true));
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw bad(where, `corrupt central directory (entry ${i})`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > bytes.length) throw bad(where, `corrupt central directory (entry ${i})`);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: the 0xffffffff fields, in order, as 8-byte values.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = (): number => { const v = Number(view.getBigUint64(q, true)); q += 8; return v; };
        if (size === 0xffffffff) size = next();
        if (compSize === 0xffffffff) compSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw bad(where, `member '${name}' is encrypted`);
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL) throw bad(where, `member '${name}': corrupt local header`);
    const dataStart = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compSize > bytes.length) throw bad(where, `member '${name}' is truncated (needs ${compSize} bytes, ${Math.max(0, bytes.length - dataStart)} left)`);
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
      } catch (e) {
        throw bad(where, `member '${name}': corrupt deflate stream (${(e as Error).message})`);
      }
    } else throw bad(where, `member '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    if (data.length !== size) throw bad(where, `member '${name}': size ${data.length}, central directory says ${size}`);
    if (crc32(data) !== crc) throw bad(where, `member '${name}': CRC mismatch (corrupt data)`);
    entries.push({ name, data });
  }
  return entries;
}

/** Writes a zip archive with stored (uncompressed) members; numpy reads it like np.savez output. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = enc.encode(name);
    const crc = crc32(data);
    if (data.length >= 0xffffffff || offset >= 0xffffffff) throw new PruneguardError('E_BAD_ARGUMENT', 'writeZip: members over 4 GiB are not supported');
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true); lv.setUint16(4, 20, true); lv.setUint16(6, 0x800, true);
    lv.setUint32(14, crc, true); lv.setUint32(18, data.length, true); lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, CENTRAL, true); cv.setUint16(4, 20, true); cv.setUint16(6, 20, true); cv.setUint16(8, 0x800, true);
    cv.setUint32(16, crc, true); cv.setUint32(20, data.length, true); cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true); cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, EOCD, true); ev.setUint16(8, entries.length, true); ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true); ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...locals, ...centrals, end]) { out.set(part, p); p += part.length; }
  return out;
}
