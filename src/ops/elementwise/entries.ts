/**
 * Shape-vector entries through arithmetic, entry by entry (a scalar or 1-element operand broadcasts):
 * Add/Sub/Div and Mul of sizes, Equal and Where (torch's `expand(B, -1, -1)`).
 */
import { resolveAlias } from '../../ir/constants.js';
import type { Node } from '../../ir/types.js';
import {
  entryAt,
  entryValue,
  operands,
  type EntryTracer,
  type ShapeEntry,
  type ShapeEntryRule,
} from '../shape-entry.js';

export const arithmeticEntry: ShapeEntryRule = (t, node, name, pos) => {
  const [a, b] = [0, 1].map((k) => entryAt(t, node.inputs[k], pos));
  const both = operands(t, node, pos);
  if (both) {
    const [x, y] = both;
    const v = node.opType === 'Add' ? x + y : node.opType === 'Sub' ? x - y : y !== 0 ? x / y : NaN;
    if (Number.isInteger(v)) return { kind: 'fixed', value: v };
    // Float arithmetic before a Floor/Cast.
    if (Number.isFinite(v) && node.opType === 'Div') return { kind: 'fixed', value: v };
    return { kind: 'unknown', reason: `entry ${pos} of ${name}: ${node.opType} of ${x} and ${y} is not a size` };
  }
  // x + 0, x - 0, x / 1: the runtime size passes unchanged.
  const neutral = node.opType === 'Div' ? 1 : 0;
  const isNeutral = (e: ShapeEntry) => entryValue(e) === neutral;
  if (isNeutral(b)) return a;
  if (node.opType === 'Add' && isNeutral(a)) return b;
  return {
    kind: 'unknown',
    reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name} from a runtime size`,
  };
};

/** A runtime size times a literal is `scaled` (batch × heads); two constants multiply. */
export const mulEntry: ShapeEntryRule = (t, node, name, pos) => {
  const lit = [0, 1].map((k) => entryAt(t, node.inputs[k], pos));
  const k = lit.findIndex((r) => r.kind === 'literal');
  const other = lit[1 - k];
  if (k >= 0 && other.kind !== 'literal' && other.kind !== 'fixed') {
    return {
      kind: 'scaled',
      factor: (lit[k] as { value: number }).value,
      ...(other.kind === 'dynamic' ? { from: other.from } : {}),
    };
  }
  const both = operands(t, node, pos);
  if (both) return { kind: 'fixed', value: both[0] * both[1] };
  return { kind: 'unknown', reason: `entry ${pos} of ${name} is a product of non-literals` };
};

export const equalEntry: ShapeEntryRule = (t, node, name, pos) => {
  const both = operands(t, node, pos);
  if (both) return { kind: 'fixed', value: both[0] === both[1] ? 1 : 0 };
  // torch's expand(B, Hkv, n_rep, S, hd) tests every entry for -1: a runtime size never is.
  const [a, b] = [0, 1].map((k) => entryAt(t, node.inputs[k], pos));
  const negative = (e: ShapeEntry) => (entryValue(e) ?? 0) < 0;
  if ((a.kind === 'dynamic' && negative(b)) || (b.kind === 'dynamic' && negative(a)))
    return { kind: 'fixed', value: 0 };
  return { kind: 'unknown', reason: `entry ${pos} of ${name} compares values that are not constant` };
};

export const whereEntry: ShapeEntryRule = (t, node, _name, pos) => {
  const cond = entryAt(t, node.inputs[0], pos);
  if (cond.kind !== 'literal' && cond.kind !== 'fixed')
    return { kind: 'unknown', reason: `the condition of Where ${node.name} at entry ${pos} is not constant` };
  const slot = cond.value ? 1 : 2;
  const picked = t.trace(node.inputs[slot], pos);
  // The picked entry still adapts (dynamic) or stays (literal). A literal stays rewritable when no count
  // written there can flip the condition (torch's Where(Equal(v, -1), ones, v)); otherwise it is fixed.
  if (picked.kind !== 'literal') return picked;
  return whereKeeps(t, node, slot, pos) ? picked : { kind: 'fixed', value: picked.value };
};

/**
 * Where(cond, a, b) keeps picking input `slot` at entry `pos` whatever positive count is written there:
 * its condition is Equal(picked, a negative constant there), as torch's expand sizes test for -1.
 */
export function whereKeeps(t: EntryTracer, node: Node, slot: number, pos: number): boolean {
  const index = t.look.index;
  const cond = index.producer.get(resolveAlias(node.inputs[0], index));
  if (cond?.opType !== 'Equal' || cond.inputs.length !== 2) return false;
  const mine = cond.inputs.indexOf(node.inputs[slot]);
  if (mine < 0 || cond.inputs[1 - mine] === node.inputs[slot]) return false;
  return (entryValue(entryAt(t, cond.inputs[1 - mine], pos)) ?? 0) < 0;
}
