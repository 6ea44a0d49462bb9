/** Small helpers shared by the op rules. */
import { attrInt, attrInts } from '../ir/attrs.js';
import type { Dim, DType } from '../ir/types.js';
import { missingReason, unknown, type OpContext } from '../shape/context.js';
import { formatShape } from '../shape/dims.js';
import type { ValueType } from '../shape/types.js';

/** Output with the shape of input `i` (and its dtype unless given). */
export function sameAs(ctx: OpContext, i = 0, dtype?: DType): ValueType {
  const t = ctx.type(i);
  const dt = dtype ?? t?.dtype;
  if (!t?.shape) return unknown(missingReason(ctx, i), dt);
  return dt ? { dtype: dt, shape: [...t.shape] } : { shape: [...t.shape] };
}

export function typed(shape: Dim[], dtype: DType | undefined): ValueType {
  return dtype ? { dtype, shape } : { shape };
}

/** All outputs unknown for the same reason. */
export function allUnknown(ctx: OpContext, reason: string, dtype?: DType): ValueType[] {
  return ctx.node.outputs.map(() => unknown(reason, dtype));
}

/**
 * Axes given either as an attribute (older opsets) or as input `inputIndex` (newer).
 * Returns null when the input exists but is not a known constant; undefined when absent.
 */
export function axesOf(
  ctx: OpContext,
  inputIndex: number,
  inputSince: number,
  attr = 'axes',
): number[] | null | undefined {
  if (ctx.opset >= inputSince) {
    if (!ctx.has(inputIndex)) return undefined;
    return ctx.ints(inputIndex) ?? null;
  }
  return attrInts(ctx.node, attr);
}

export function intAttr(ctx: OpContext, name: string, fallback: number): number {
  return attrInt(ctx.node, name, fallback);
}

export function shapesText(...shapes: (Dim[] | undefined)[]): string {
  return shapes.map(formatShape).join(' and ');
}
