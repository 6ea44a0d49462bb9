/**
 * A minimal zip reader (stored and deflate members, zip64) and writer (stored),
 * enough for `.npz`. Sizes come from the central directory, because numpy
 * writes local headers with zip64 placeholder sizes.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { PruneguardError } from '../errors.js';
import { BUDGET_ENV, BUDGETS } from '../util/budgets.js';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

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

interface Member {
  name: string;
  method: number;
  crc: number;
  size: number;
  compSize: number;
  start: number;
  dataStart: number;
}

/** The zip64 extra field: the 0xffffffff fields, in order, as 8-byte values, each inside the field. */
function zip64Sizes(
  view: DataView,
  from: number,
  to: number,
  m: { size: number; compSize: number; localOffset: number },
  where: string,
  name: string,
): void {
  for (let e = from; e + 4 <= to; ) {
    const id = view.getUint16(e, true);
    const len = view.getUint16(e + 2, true);
    const end = e + 4 + len;
    if (end > to) throw bad(where, `member '${name}': extra field runs past its record`);
    if (id === 0x0001) {
      let q = e + 4;
      const next = (): number => {
        if (q + 8 > end) throw bad(where, `member '${name}': zip64 extra field too short`);
        const v = Number(view.getBigUint64(q, true));
        q += 8;
        return v;
      };
      if (m.size === 0xffffffff) m.size = next();
      if (m.compSize === 0xffffffff) m.compSize = next();
      if (m.localOffset === 0xffffffff) m.localOffset = next();
    }
    e = end;
  }
}

/** The central directory, checked: every member inside the file, none overlapping another. */
function members(bytes: Uint8Array, view: DataView, where: string): Member[] {
  const eocd = findEocd(view, where);
  let count = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (
    (count === 0xffff || cdOffset === 0xffffffff) &&
    eocd >= 20 &&
    view.getUint32(eocd - 20, true) === EOCD64_LOCATOR
  ) {
    const p = Number(view.getBigUint64(eocd - 12, true));
    if (p + 56 > bytes.length || view.getUint32(p, true) !== EOCD64) throw bad(where, 'corrupt zip64 end record');
    count = Number(view.getBigUint64(p + 32, true));
    cdOffset = Number(view.getBigUint64(p + 48, true));
  }
  // Each central record takes at least 46 bytes: a larger count is a lie, not a reason to loop.
  if (count > bytes.length / 46)
    throw bad(where, `corrupt central directory (${count} entries cannot fit in ${bytes.length} bytes)`);
  const out: Member[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL)
      throw bad(where, `corrupt central directory (entry ${i})`);
    const flags = view.getUint16(p + 8, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen > bytes.length) throw bad(where, `corrupt central directory (entry ${i})`);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const m = {
      size: view.getUint32(p + 24, true),
      compSize: view.getUint32(p + 20, true),
      localOffset: view.getUint32(p + 42, true),
    };
    zip64Sizes(view, p + 46 + nameLen, p + 46 + nameLen + extraLen, m, where, name);
    const member = {
      name,
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      size: m.size,
      compSize: m.compSize,
      start: m.localOffset,
      dataStart: 0,
    };
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 0x1) throw bad(where, `member '${name}' is encrypted`);
    if (member.start + 30 > bytes.length || view.getUint32(member.start, true) !== LOCAL)
      throw bad(where, `member '${name}': corrupt local header`);
    member.dataStart =
      member.start + 30 + view.getUint16(member.start + 26, true) + view.getUint16(member.start + 28, true);
    if (member.dataStart + member.compSize > bytes.length)
      throw bad(
        where,
        `member '${name}' is truncated ` +
          `(needs ${member.compSize} bytes, ${Math.max(0, bytes.length - member.dataStart)} left)`,
      );
    out.push(member);
  }
  // Members sharing bytes are how a small archive claims gigabytes (and no zip writer makes them).
  const byStart = [...out].sort((a, b) => a.start - b.start);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1];
    if (byStart[i].start < prev.dataStart + prev.compSize)
      throw bad(where, `members '${prev.name}' and '${byStart[i].name}' overlap (a corrupt or malicious archive)`);
  }
  return out;
}

/**
 * Reads every member of a zip archive, checking sizes and CRCs. The declared
 * sizes are checked against `maxBytes` before anything is inflated, and no
 * member inflates past its declared size.
 */
export function readZip(bytes: Uint8Array, where = '<zip>', maxBytes = BUDGETS.dataBytes): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw bad(where, `not a zip archive (${bytes.length} bytes)`);
  const list = members(bytes, view, where);
  const declared = list.reduce((s, m) => s + m.size, 0);
  if (declared > maxBytes) {
    throw new PruneguardError(
      'E_BAD_DATA',
      `${where}: members declare ${declared} bytes uncompressed, over the ${maxBytes}-byte budget ` +
        `(raise it with ${BUDGET_ENV.dataBytes})`,
    );
  }
  const entries: ZipEntry[] = [];
  for (const { name, method, crc, size, compSize, dataStart } of list) {
    const raw = bytes.subarray(dataStart, dataStart + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
      } catch (e) {
        throw bad(
          where,
          `member '${name}': corrupt deflate stream or larger than its declared ${size} bytes ` +
            `(${(e as Error).message})`,
        );
      }
    } else
      throw bad(
        where,
        `member '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`,
      );
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
    if (data.length >= 0xffffffff || offset >= 0xffffffff)
      throw new PruneguardError('E_BAD_ARGUMENT', 'writeZip: members over 4 GiB are not supported');
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x800, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, CENTRAL, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x800, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
