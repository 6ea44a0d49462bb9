/**
 * Weights read through a conversion (a bf16 Cast, a QDQ DequantizeLinear, an unfolded Transpose): the
 * stored tensor behind the conversion is the weight, so its axis is what gets sliced and masked.
 */
import { attrInt, attrInts } from '../ir/attrs.js';
import { constantSource, constantValue } from '../ir/constants.js';
import type { GraphIndex } from '../ir/graph-index.js';
import { opLabel } from '../ir/node-label.js';
import { toNumbers } from '../ir/tensor.js';
import type { Model, Node } from '../ir/types.js';
import { normAxis } from '../ops/channel-rule.js';

/** What this file reads and marks on a channel space (spaces.ts's Space has these fields and more). */
interface WeightSpace {
  value: string;
  axis: number;
  stored: boolean;
  inexact: string[];
  entry: boolean;
  maskFill: { value: string; axis: number } | undefined;
}

/**
 * Conversions that keep a stored weight a weight: a bf16 checkpoint Cast to float for compute, a QDQ
 * weight DequantizeLinear(int8), a Transpose the exporter did not fold (`do_constant_folding=False`
 * leaves `MatMul(x, Transpose(W))` for every Linear). Channels cross them (their rules link input 0),
 * so the stored tensor (and its per-channel scales) is what gets sliced.
 */
const WEIGHT_CONVERSIONS = new Set(['Cast', 'DequantizeLinear', 'Transpose']);

/** The axis of a conversion's stored input that its output axis `axis` reads. */
export function axisBehind(conv: Node, axis: number, rank: number): number {
  if (conv.opType !== 'Transpose') return axis;
  const perm = attrInts(conv, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return perm[axis];
}

/** The conversion node between `name` and the stored weight it converts, if `name` is one. */
export function weightConversion(model: Model, index: GraphIndex, name: string): Node | undefined {
  const p = index.producer.get(name);
  return p &&
    p.domain === '' &&
    WEIGHT_CONVERSIONS.has(p.opType) &&
    p.inputs[0] &&
    constantSource(model.graph, p.inputs[0], index)
    ? p
    : undefined;
}

/**
 * A mask entry on a converted weight (Cast(bf16), DequantizeLinear(int8)) is masked in the stored tensor
 * behind it: zero stays zero through a Cast; through a DequantizeLinear the stored value that dequantizes
 * to 0 is the zero point, so that is what the oracle writes (per tensor, or per index of the DQ's axis).
 */
export function markConvertedEntries(
  model: Model,
  index: GraphIndex,
  spaces: readonly WeightSpace[],
  byValue: ReadonlyMap<string, WeightSpace[]>,
): void {
  for (const s of spaces) {
    if (!s.entry || s.stored) continue;
    const conv = weightConversion(model, index, s.value);
    const stored = conv && constantValue(model.graph, conv.inputs[0], index);
    const behind = conv && stored && byValue.get(conv.inputs[0])?.[axisBehind(conv, s.axis, stored.dims.length)];
    if (!conv || !behind) continue;
    behind.entry = true;
    if (conv.opType !== 'DequantizeLinear' || !conv.inputs[2]) continue;
    const zp = constantValue(model.graph, conv.inputs[2], index);
    if (zp && toNumbers(zp).every((v) => Number(v) === 0)) continue;
    const rank = constantValue(model.graph, conv.inputs[0], index)?.dims.length;
    if (!zp || attrInt(conv, 'block_size', 0) > 0 || rank === undefined) {
      s.inexact.push(`${opLabel(conv)}: the weight's zero point is not a constant per tensor or per axis`);
      continue;
    }
    fillWith(behind, conv, conv.inputs[2], normAxis(attrInt(conv, 'axis', 1), rank));
  }
}

/** Records that `t`'s masked entries take the zero point `value` (a second, different one is a conflict). */
export function fillWith(t: WeightSpace, node: Node, value: string, axis: number): void {
  if (!t.maskFill) t.maskFill = { value, axis };
  else if (t.maskFill.value !== value || t.maskFill.axis !== axis)
    t.inexact.push(`${opLabel(node)}: the weight is read with two different zero points`);
}
