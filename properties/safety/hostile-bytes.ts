/**
 * Hostile data files built byte by byte: zip bombs, a zip64 field past its record, an oversized
 * .npy header. The named cases (hostile-cases.ts) write them into their folders.
 */
import { deflateRawSync } from 'node:zlib';
import { writeNpz } from '../../src/data/npz.js';
import { writeZip } from '../../src/data/zip.js';
import { fromNumbers } from '../../src/ir/tensor.js';

/**
 * A zip whose one deflated member expands 64 MiB, listed `copies` times (all pointing at the same bytes when
 * `overlap`).
 */
export function zipBomb(copies: number, overlap: boolean): Uint8Array {
  const raw = deflateRawSync(Buffer.alloc(64 * 2 ** 20));
  const members = Array.from({ length: overlap ? 1 : copies }, (_, i) => ({ name: `a${i}.npy`, data: raw }));
  const zip = Buffer.from(writeZip(members));
  // Rewrite every member as deflate with the inflated size declared (writeZip stores them).
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const cdStart = view.getUint32(zip.length - 6, true);
  let p = cdStart;
  const centrals: Buffer[] = [];
  for (let i = 0; i < members.length; i++) {
    const nameLen = view.getUint16(p + 28, true);
    const rec = Buffer.from(zip.subarray(p, p + 46 + nameLen));
    rec.writeUInt16LE(8, 10);
    rec.writeUInt32LE(64 * 2 ** 20, 24);
    centrals.push(rec);
    p += 46 + nameLen;
  }
  const list = overlap ? Array.from({ length: copies }, () => centrals[0]) : centrals;
  const cd = Buffer.concat(list);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(cdStart, 16);
  return Buffer.concat([zip.subarray(0, cdStart), cd, end]);
}

/** A stored zip whose member has a zip64 extra field that claims more bytes than its record holds. */
export function zip64PastRecord(): Uint8Array {
  const zip = Buffer.from(writeNpz({ x: fromNumbers('float32', [2], [1, 2]) }));
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const cdStart = view.getUint32(zip.length - 6, true);
  const nameLen = view.getUint16(cdStart + 28, true);
  const central = Buffer.from(zip.subarray(cdStart, cdStart + 46 + nameLen));
  central.writeUInt32LE(0xffffffff, 24);
  central.writeUInt16LE(4, 30); // extra length 4: only the header of the field fits
  const extra = Buffer.from([0x01, 0x00, 0x08, 0x00]); // zip64 field saying 8 bytes follow
  const cd = Buffer.concat([central, extra]);
  const end = Buffer.from(zip.subarray(zip.length - 22));
  end.writeUInt32LE(cd.length, 12);
  return Buffer.concat([zip.subarray(0, cdStart), cd, end]);
}

/** An .npy (format 2) whose header dict is padded to about `headerBytes` with repeated keys. */
export function npyWithHeader(headerBytes: number): Uint8Array {
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ${"'a': '".repeat(headerBytes / 6)}}`;
  const out = Buffer.alloc(12 + header.length + 4);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]).copy(out, 0);
  out.writeUInt32LE(header.length, 8);
  out.write(header, 12, 'latin1');
  return out;
}
