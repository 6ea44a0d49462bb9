/**
 * Protocol-buffer wire format, write side. A message is written into a Writer: small fields go
 * into a growing scratch buffer; large byte payloads (tensor data) are kept as references and
 * never copied; a payload still on disk (external data) is a `FileRange`, copied in chunks only
 * when the bytes are finally written; a payload made on demand is `DeferredBytes`. Sub-messages are written first and
 * then embedded with their length, so nothing is encoded twice.
 */
import { WIRE } from './reader.js';

/** Bytes still in a file, copied at write time (external data of a tensor left unchanged). */
export interface FileRange {
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * Bytes made only when written (a mask oracle's zeroed copy of a weight): made, written and dropped
 * one at a time, so a whole model of them never sits in memory. `make` returns `length` bytes.
 */
export interface DeferredBytes {
  readonly length: number;
  readonly make: () => Uint8Array;
}

export type Part = Uint8Array | FileRange | DeferredBytes;

const utf8 = new TextEncoder();
/** Payloads at least this large are referenced, not copied into the scratch buffer. */
const REFERENCE_AT = 4096;

export class Writer {
  readonly parts: Part[] = [];
  size = 0;
  private scratch = new Uint8Array(256);
  /** Bytes before `start` in the scratch buffer are already in `parts`; the current run is [start, used). */
  private start = 0;
  private used = 0;
  private view = new DataView(this.scratch.buffer);

  /** Writes a varint tag. */
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** A varint of a non-negative safe integer, a negative one (10 bytes, two's complement) or a bigint. */
  varint(v: number | bigint): this {
    if (typeof v === 'number' && v >= 0 && v < 0x80) {
      this.room(1);
      this.scratch[this.used++] = v;
      this.size++;
      return this;
    }
    if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
      // Lengths, dims and sizes: 7 bits at a time without a BigInt.
      this.room(10);
      const start = this.used;
      let y = v;
      while (y >= 0x80) {
        this.scratch[this.used++] = (y % 0x80) | 0x80;
        y = Math.floor(y / 0x80);
      }
      this.scratch[this.used++] = y;
      this.size += this.used - start;
      return this;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    this.room(10);
    const start = this.used;
    while (x >= 0x80n) {
      this.scratch[this.used++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.scratch[this.used++] = Number(x);
    this.size += this.used - start;
    return this;
  }

  float(v: number): this {
    this.room(4);
    this.view.setFloat32(this.used, v, true);
    this.used += 4;
    this.size += 4;
    return this;
  }

  double(v: number): this {
    this.room(8);
    this.view.setFloat64(this.used, v, true);
    this.used += 8;
    this.size += 8;
    return this;
  }

  /** Raw bytes, not length-prefixed (already-encoded fields). Large ones are referenced. */
  raw(bytes: Uint8Array): this {
    if (bytes.length >= REFERENCE_AT) {
      this.flush();
      this.parts.push(bytes);
      this.size += bytes.length;
      return this;
    }
    this.room(bytes.length);
    this.scratch.set(bytes, this.used);
    this.used += bytes.length;
    this.size += bytes.length;
    return this;
  }

  /** A length-delimited bytes field. */
  bytes(field: number, bytes: Uint8Array): this {
    return this.tag(field, WIRE.bytes).varint(bytes.length).raw(bytes);
  }

  /** A length-delimited field whose payload is in a file, or made at write time. */
  fileBytes(field: number, range: FileRange | DeferredBytes): this {
    this.tag(field, WIRE.bytes).varint(range.length).flush();
    this.parts.push(range);
    this.size += range.length;
    return this;
  }

  string(field: number, s: string): this {
    this.tag(field, WIRE.bytes);
    // Names are nearly always ASCII and short: written straight into the scratch buffer, no encoder call.
    const n = s.length;
    if (n < 0x80) {
      this.room(n + 1);
      const at = this.used;
      this.scratch[at] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        this.scratch[at + 1 + i] = c;
      }
      if (i === n) {
        this.used += n + 1;
        this.size += n + 1;
        return this;
      }
    }
    const bytes = utf8.encode(s);
    return this.varint(bytes.length).raw(bytes);
  }

  /** An embedded message written by `body` into its own Writer. */
  message(field: number, body: (w: Writer) => void): this {
    const sub = new Writer();
    body(sub);
    sub.flush();
    this.tag(field, WIRE.bytes).varint(sub.size).flush();
    for (const p of sub.parts) this.parts.push(p);
    this.size += sub.size;
    return this;
  }

  /** Ends the scratch run so the parts list is complete. */
  flush(): this {
    if (this.used > this.start) {
      // The run ends; later bytes go after it in the same buffer (a new one only when it is full).
      this.parts.push(this.scratch.subarray(this.start, this.used));
      this.start = this.used;
    }
    return this;
  }

  /** Room for `n` more bytes: a new buffer when full, the unflushed run moved into it (flushed runs stay). */
  private room(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    const pending = this.used - this.start;
    const next = new Uint8Array(Math.max(this.scratch.length, 2 * (pending + n)));
    next.set(this.scratch.subarray(this.start, this.used));
    this.scratch = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.used = pending;
  }
}
