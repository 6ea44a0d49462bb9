/**
 * Einsum, as Keras' EinsumDense, Flax's DenseGeneral and hand-written PyTorch
 * attention export it ('bte,ehd->bthd', 'bqhd,bkhd->bhqk', 'bhqk,bkhd->bqhd').
 * Every axis carrying one label meets every other axis with that label, index
 * for index; the equation itself never changes when dims shrink. What a label
 * means for the mask oracle follows from where it appears:
 * - contracted against a stored operand: channels enter that weight there;
 * - contracted between two activations: removal is not a mask (like q·k over hd);
 * - kept in the output by two activations: a batch axis of their product, where
 *   attention heads live;
 * - kept in the output by a stored operand alone: a projection's output axis; its
 *   partner labels of the same kernel make it a head of that many features.
 * Ellipses and repeated labels (diagonals) block.
 */
import { attrString } from '../../ir/attrs.js';
import {
  blocked,
  identity,
  type Link,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

export interface EinsumEquation {
  inputs: string[];
  output: string;
}

/** Labels of each operand and of the output (implicit output: labels seen once, sorted), or a reason. */
export function parseEinsum(equation: string): EinsumEquation | string {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('...')) return 'Einsum with an ellipsis';
  const [lhs, rhs] = eq.split('->');
  const inputs = lhs.split(',');
  const all = inputs.join('');
  const output =
    rhs ??
    [...new Set(all)]
      .filter((l) => all.split(l).length === 2)
      .sort()
      .join('');
  for (const term of [...inputs, output]) {
    if (!/^[A-Za-z]*$/.test(term)) return `Einsum term "${term}" is not a list of labels`;
    if (new Set(term).size !== term.length) return `Einsum term "${term}" repeats a label (a diagonal)`;
  }
  return { inputs, output };
}

/** Labels of operand `slot` summed away against another operand (where channels enter a weight). */
export function summedLabels(eq: EinsumEquation, slot: number): string[] {
  return [...eq.inputs[slot]].filter(
    (l) => !eq.output.includes(l) && eq.inputs.some((t, s) => s !== slot && t.includes(l)),
  );
}

/** The axis of operand `slot` summed away against another operand, when there is exactly one. */
export function einsumReductionAxis(equation: string, slot: number): number | undefined {
  const eq = parseEinsum(equation);
  if (typeof eq === 'string' || eq.inputs.length < 2 || !eq.inputs[slot]) return undefined;
  const summed = summedLabels(eq, slot);
  return summed.length === 1 && eq.inputs[slot].length >= 2 ? eq.inputs[slot].indexOf(summed[0]) : undefined;
}

function equationOf(ctx: RuleContext): EinsumEquation | string {
  return parseEinsum(attrString(ctx.node, 'equation') ?? '');
}

/**
 * Output axes that come from a stored operand alone (a projection's output features): where an Einsum
 * with a weight creates channels, as a Conv's or MatMul's output axis does.
 */
export function einsumWeightAxes(equation: string, isStored: (slot: number) => boolean): number[] {
  const eq = parseEinsum(equation);
  if (typeof eq === 'string') return [];
  const activations = eq.inputs.filter((_, slot) => !isStored(slot));
  if (activations.length === eq.inputs.length) return [];
  return [...eq.output].flatMap((label, axis) => (activations.some((t) => t.includes(label)) ? [] : [axis]));
}

function einsumLinks(ctx: RuleContext, port: Port): RuleResult {
  const eq = equationOf(ctx);
  if (typeof eq === 'string') return blocked(eq);
  const term = port.io === 'in' ? eq.inputs[port.slot] : eq.output;
  const label = term?.[port.axis];
  if (label === undefined) return blocked(`axis ${port.axis} of ${port.io}put ${port.slot} has no Einsum label`);
  const outAxis = eq.output.indexOf(label);
  const dimOf = (slot: number) => ctx.shape('in', slot)?.[eq.inputs[slot].indexOf(label)];
  const sizes = eq.inputs
    .map((t, slot) => (t.includes(label) ? dimOf(slot) : undefined))
    .filter((d) => typeof d === 'number');
  const size = sizes.length ? Math.max(...sizes) : undefined;
  // A size-1 axis broadcast against the label's size carries no channels, on either side of a link.
  const broadcast = (dim: unknown) => dim === 1 && size !== undefined && size > 1;
  if (broadcast(port.io === 'in' ? dimOf(port.slot) : ctx.shape('out', 0)?.[port.axis])) return { links: [] };
  const ports: Link[] = [];
  const withLabel: number[] = [];
  eq.inputs.forEach((t, slot) => {
    const axis = t.indexOf(label);
    if (axis < 0) return;
    withLabel.push(slot);
    if (!broadcast(dimOf(slot))) ports.push({ io: 'in', slot, axis, map: identity });
  });
  if (outAxis >= 0) ports.push({ io: 'out', slot: 0, axis: outAxis, map: identity });
  const links = ports.filter((l) => !(l.io === port.io && l.slot === port.slot && l.axis === port.axis));
  const stored = withLabel.filter((slot) => ctx.isStored(slot));
  const activations = withLabel.length - stored.length;
  if (outAxis < 0) {
    if (withLabel.length === 1) return { links, inexact: 'Einsum sums over the pruned axis' };
    if (stored.length)
      return { links, entries: stored.map((slot) => ({ io: 'in', slot, axis: eq.inputs[slot].indexOf(label) })) };
    return { links, inexact: 'Einsum contracts the pruned axis between two activations', contraction: true };
  }
  if (activations >= 2) return { links, attention: true };
  if (activations === 0 && stored.length === 1) {
    // A projection kernel [E, H, hd]: this label's partners (kept, from the kernel alone) are its features.
    const kernel = eq.inputs[stored[0]];
    const dims = ctx.shape('in', stored[0]);
    const others = [...kernel].filter(
      (l) => l !== label && eq.output.includes(l) && !eq.inputs.some((t, s) => s !== stored[0] && t.includes(l)),
    );
    const features = others.reduce((p, l) => {
      const d = dims?.[kernel.indexOf(l)];
      return typeof d === 'number' ? p * d : NaN;
    }, 1);
    if (others.length && features > 1) return { links: links.map((l) => ({ ...l, headSize: features })) };
  }
  return { links };
}

export const einsumRule: OpRule = { links: einsumLinks };
