/** IR Tensor -> TensorProto: raw_data (little-endian, bit-identical), inline or in an external-data file. */
import { byteSize, dtypeToOnnx } from '../ir/dtype-codes.js';
import { numel } from '../ir/tensor.js';
import type { Tensor, TensorData } from '../ir/types.js';
import { EXTERNAL, storedBytes, tensorExtra, tensorName, TF } from './tensor-store.js';
import { WIRE } from './wire/reader.js';
import { OpaqueWriter } from './wire/opaque.js';
import type { Writer } from './wire/writer.js';

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
