/** Attribute encoding and the opset → ir_version table used by the builder. */
import { AttrType as AT, type Attribute, type Tensor } from '../types.js';

/** Attribute values: integer → INT, integer[] → INTS, {f} → FLOAT, {fs} → FLOATS, string → STRING, {t} → TENSOR. */
export type AttrValue = number | readonly number[] | string | { f: number } | { fs: readonly number[] } | { t: Tensor };
export const f = (v: number): { f: number } => ({ f: v });

export function toAttr(name: string, v: AttrValue): Attribute {
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: [...(v as number[])] };
  if ('f' in v) return { name, type: AT.FLOAT, f: v.f };
  if ('fs' in v) return { name, type: AT.FLOATS, floats: [...v.fs] };
  return { name, type: AT.TENSOR, t: (v as { t: Tensor }).t };
}

/** ir_version that onnxruntime expects with each default-domain opset. */
export function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 11) return opset - 5;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}
