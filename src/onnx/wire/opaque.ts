/**
 * Unmodeled fields, kept as their encoded bytes and written back in field-number order among
 * the modeled ones, so a model written by a canonical serializer (onnx, PyTorch: fields in
 * number order) comes back byte-identical.
 */
import { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** Collects the raw bytes (tag and payload) of unmodeled fields while a message is read. */
export class OpaqueCollector {
  private parts: Uint8Array[] = [];

  /** Skips the field whose tag started at `start` and keeps its bytes. */
  keep(r: Reader, start: number, wire: number): void {
    r.skip(wire);
    this.parts.push(r.buf.subarray(start, r.pos));
  }

  /** The kept fields as one copied buffer (not a view: the source bytes may be released), or undefined. */
  result(): Uint8Array | undefined {
    if (this.parts.length === 0) return undefined;
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Writes kept fields into `w` as the modeled fields are written, in field-number order. */
export class OpaqueWriter {
  private fields: { field: number; bytes: Uint8Array }[] = [];
  private next = 0;

  constructor(
    private readonly w: Writer,
    opaque: Uint8Array | undefined,
  ) {
    if (!opaque) return;
    const r = new Reader(opaque);
    while (!r.done) {
      const start = r.pos;
      const [field, wire] = r.tag();
      r.skip(wire);
      this.fields.push({ field, bytes: opaque.subarray(start, r.pos) });
    }
  }

  /** Writes every kept field numbered below `field` (call before writing modeled field `field`). */
  before(field: number): Writer {
    while (this.next < this.fields.length && this.fields[this.next].field < field)
      this.w.raw(this.fields[this.next++].bytes);
    return this.w;
  }

  /** Writes the kept fields left. */
  end(): void {
    this.before(Infinity);
  }
}
