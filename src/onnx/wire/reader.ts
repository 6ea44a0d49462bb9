/**
 * Protocol-buffer wire format, read side: just what the ONNX schema uses (varints, 32/64-bit
 * fixed, length-delimited), over a Uint8Array without copying. Bytes and sub-messages are
 * subarray views of the input. A malformed buffer throws a WireError, never reads out of bounds.
 */

/** The buffer is not valid protobuf (truncated, bad tag, varint too long). */
export class WireError extends Error {}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const utf8 = new TextDecoder('utf-8');

export class Reader {
  pos: number;
  private view: DataView | undefined;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next tag as [field number, wire type]. */
  tag(): [number, number] {
    const t = this.uint32();
    const field = t >>> 3;
    if (field === 0) throw new WireError(`field number 0 at byte ${this.pos}`);
    return [field, t & 7];
  }

  /** A varint known to fit 32 bits (tags, enums, int32 fields); negative int32 comes as 10 bytes. */
  uint32(): number {
    const v = this.int64();
    return typeof v === 'number' ? v : Number(BigInt.asIntN(32, v));
  }

  /** An int64 varint: a number when it is a safe integer, a bigint otherwise (never rounded). */
  int64(): number | bigint {
    if (this.pos < this.end && this.buf[this.pos] < 0x80) return this.buf[this.pos++];
    let lo = 0,
      hi = 0,
      shift = 0,
      i = 0;
    for (; ; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      if (i >= 10) throw new WireError('varint longer than 10 bytes');
      const b = this.buf[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    lo >>>= 0;
    if (hi === 0) return lo;
    if (hi >>> 0 <= 0x1fffff) return (hi >>> 0) * 2 ** 32 + lo; // below 2^53
    const big = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo));
    return big >= -(2n ** 53n) + 1n ? Number(big) : big;
  }

  /** An int64 that must be a JS number (dims, counts): bigints become NaN so callers refuse them. */
  int64Number(): number {
    const v = this.int64();
    return typeof v === 'number' ? v : Number.NaN;
  }

  float(): number {
    return this.dataView().getFloat32(this.advance(4), true);
  }

  double(): number {
    return this.dataView().getFloat64(this.advance(8), true);
  }

  /** A length-delimited field's payload, as a view. */
  bytes(): Uint8Array {
    const n = this.uint32();
    const at = this.advance(n);
    return this.buf.subarray(at, at + n);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over the next length-delimited payload (a sub-message). */
  message(): Reader {
    const n = this.uint32();
    const at = this.advance(n);
    return new Reader(this.buf, at, at + n);
  }

  /** Skips one field's value of `wire` type. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE.varint:
        this.int64();
        return;
      case WIRE.fixed64:
        this.advance(8);
        return;
      case WIRE.bytes:
        this.advance(this.uint32());
        return;
      case WIRE.fixed32:
        this.advance(4);
        return;
      default:
        throw new WireError(`unsupported wire type ${wire} at byte ${this.pos}`);
    }
  }

  private advance(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) throw new WireError(`length ${n} at byte ${at} runs past the end (${this.end})`);
    this.pos = at + n;
    return at;
  }

  private dataView(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }
}

/** Repeated scalars arrive packed (one length-delimited run) or one per tag; both are read. */
export function readRepeated<T>(r: Reader, wire: number, one: (r: Reader) => T, out: T[]): void {
  if (wire !== WIRE.bytes) {
    out.push(one(r));
    return;
  }
  const sub = r.message();
  while (!sub.done) out.push(one(sub));
}
