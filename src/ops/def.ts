/**
 * What one op declares about itself: the single place every analysis (shape
 * inference, constant folding, channel propagation, pruning rewrites, parameter
 * and MAC counting, weight masks) reads an op's semantics from. One family of
 * ops per folder under `src/ops/`; the family's `index.ts` is its declaration.
 */
import type { Dim, Node } from '../ir/types.js';
import type { OpRule as ShapeRule } from '../shape/context.js';
import type { OpRule as ChannelRule } from './channel-rule.js';
import type { ShapeEntryRule } from './shape-entry.js';

export type { ShapeRule, ChannelRule };

/** One input slot that holds a learned weight when it is stored (initializer or Constant node). */
export interface WeightInput {
  slot: number;
  /**
   * The axis of a weight of rank `rank` that this op sums over (N:M groups run along it),
   * or undefined when there is none or it is ambiguous (then N:M on this weight is refused).
   */
  reductionAxis(rank: number): number | undefined;
  /** Smallest rank that counts as a kernel (an Einsum scale vector is not one). Default 1. */
  minRank?: number;
}

/** What the weight facets of a node may ask about it. */
export interface WeightView {
  /** True when input `slot` is a stored constant (initializer or Constant, through Identity). */
  stored(slot: number): boolean;
  /** Shape of output 0, when inferred. */
  output: readonly Dim[] | undefined;
}

export interface OpDef {
  /** Output types of a node, and its folded contents when they are known statically. Never throws for a bad model. */
  shape: ShapeRule;
  /**
   * How channels cross the node (links, ties, mask entries) and how it is rewritten after pruning; absent: the op
   * blocks every group that reaches it.
   */
  channels?: ChannelRule;
  /** Inputs that hold weights when stored, in order of preference (the first stored one is *the* weight for MACs). */
  weights?(node: Node): WeightInput[];
  /** Output axes whose channels this node's stored weights create: where channel propagation starts. */
  seeds?(node: Node, view: WeightView): number[];
  /**
   * Output positions at which one element of the weight at `slot` is used, per example (the batch axis never
   * counts; symbolic dims count once, so transformer MACs are per token). MACs = weight elements × positions.
   */
  positions?(node: Node, slot: number, output: readonly Dim[]): number;
  /**
   * KV-cache slots of a fused attention op: a graph input it reads at one of `inputs`, or a graph output
   * it writes at one of `outputs`, is the model's cache (its shape may change with the heads: prune/kv-cache.ts).
   */
  kvCache?: { inputs: readonly number[]; outputs: readonly number[] };
  /**
   * Inputs whose stored constant is a small per-layer parameter (bias, scale, norm parameter, shape vector,
   * bound), or 'all': a constant shared between such uses is copied per use (exact and free), while a
   * kernel stays shared and is pruned consistently for every user (`prune/prepare.ts`).
   */
  params?: readonly number[] | 'all';
  /** How an entry of this op's output is made when the output is a shape vector (`ops/shape-entry.ts`). */
  shapeEntry?: ShapeEntryRule;
  /**
   * Stored inputs that never carry channels, by slot, with what they are (RoPE cos/sin tables): coverage
   * names them so instead of "no channel reaches it".
   */
  fixedInputs?: Readonly<Record<number, string>>;
}

/** Product of the concrete output dims other than axis 0 and the listed axes. */
export function positionsExcept(output: readonly Dim[], skip: readonly number[]): number {
  let n = 1;
  output.forEach((d, axis) => {
    if (axis === 0 || skip.includes(axis)) return;
    if (typeof d === 'number') n *= d;
  });
  return n;
}

/** A channel rule that blocks every group reaching the op, with `reason` (an op understood, not yet prunable). */
export function blockedRule(reason: string): ChannelRule {
  return { links: () => ({ blocked: reason }) };
}

/**
 * A family's definitions from its shape rules plus the other facets of some of its ops.
 * Keys are the shape rules' keys: an op cannot have a channel rule without a shape rule.
 */
export function family<K extends string>(
  shapes: Record<K, ShapeRule>,
  facets: { [P in K]?: Omit<OpDef, 'shape'> } = {},
): Record<K, OpDef> {
  const out = {} as Record<K, OpDef>;
  for (const op of Object.keys(shapes) as K[]) out[op] = { shape: shapes[op], ...facets[op] };
  return out;
}

/** The same facets for every op in `ops`. */
export function same<K extends string>(
  ops: readonly K[],
  facets: Omit<OpDef, 'shape'>,
): { [P in K]: Omit<OpDef, 'shape'> } {
  return Object.fromEntries(ops.map((o) => [o, facets])) as { [P in K]: Omit<OpDef, 'shape'> };
}
