/**
 * The contract of one op's pruning rule. A rule is asked about one *port* (an
 * input or output slot of its node, and an axis of that value that carries
 * channels) and answers, as plain data, which other ports of the same node carry
 * the same channels and through which index map — or that it cannot tell
 * (blocked, with a reason). Rules never guess: an axis a rule does not
 * understand blocks the group that reaches it.
 */
import type { Dim, Node, Tensor } from '../ir/types.js';
import type { IndexMap } from './index-map.js';
import type { ShapeEntry } from './shape-entry.js';

export interface Port {
  io: 'in' | 'out';
  slot: number;
  /** Non-negative axis of the value at this slot. */
  axis: number;
}

export interface Link extends Port {
  /** From the asked port's elements to this port's elements. */
  map: IndexMap;
  /**
   * Link to this value's `axis` instead of a port of the node (a shape entry read from another value's runtime size).
   */
  value?: string;
  /** This link splits features into heads of this size (Reshape [.., E] → [.., H, hd]). */
  headSize?: number;
}

/** Elements of one port that must go together (GroupNorm groups, equal removal per conv group). */
export interface Tie extends Port {
  /** 'blocks': e with every element of floor(e/size)-th block; 'residues': i with every j ≡ i (mod size). */
  kind: 'blocks' | 'residues';
  size: number;
}

/** Where channels enter a weight (see RuleResult.entries). */
export interface Entry extends Port {
  /**
   * The stored value that contributes nothing at this entry, when it is not 0: an integer weight's zero
   * point (ConvInteger, QLinearConv, MatMulInteger, QLinearMatMul compute (w - zero_point) × x). Input
   * `slot` holds it, one value (per tensor) or one per index of the weight's axis `axis` (per channel).
   */
  zeroPoint?: { slot: number; axis: number };
}

export type RuleResult =
  | {
      links: Link[];
      ties?: Tie[];
      /**
       * Input ports of this node where the channels *enter* a weight (Conv weight[:, c], MatMul rows):
       * what the mask oracle zeroes (sets to the zero point, for an integer weight).
       */
      entries?: Entry[];
      /**
       * Why removing these channels is not equivalent to masking them (a statistic or a normalisation over the pruned
       * axis).
       */
      inexact?: string;
      /**
       * The inexact reason is a product of two activations contracting the asked axis (q·kᵀ over head_dim):
       * removal then equals zeroing the channel where it is *produced* on both sides, not at an entry
       * (see prune/head-dim.ts, which judges when that holds).
       */
      contraction?: true;
      /**
       * The channels pass (the group shows whole) but cannot be pruned here, with why: a fused RoPE op on
       * head_dim, whose tables are not sliced.
       */
      block?: string;
      /** The asked axis is the batch axis of a product of two activations (attention heads live here). */
      attention?: boolean;
      /** This node could pair the channels in this many ways (RuleContext.choice picks one; see propagation). */
      alternatives?: number;
    }
  | { blocked: string };

/** What a rule may read about its node. */
export interface RuleContext {
  readonly node: Node;
  readonly opset: number;
  /** Which of the node's alternative pairings to use (0: the default); propagation searches them when one blocks. */
  readonly choice: number;
  /** Shape of an input or output value; undefined if unknown. */
  shape(io: 'in' | 'out', slot: number): Dim[] | undefined;
  /** Statically known contents of an input (stored or folded constant). */
  constant(slot: number): Tensor | undefined;
  /** Integer contents of an input (folded shape vectors included); entries may be symbolic. */
  ints(slot: number): Dim[] | undefined;
  /** True when the input is a stored constant (initializer or Constant node, through Identity). */
  isStored(slot: number): boolean;
  has(slot: number): boolean;
  /** Where entry `pos` of a shape-vector input comes from (literal, runtime size, unknown). */
  shapeEntry(slot: number, pos: number): ShapeEntry;
}

/** At apply time: how one port's axis changed. */
export interface AxisChange {
  before: number;
  /** Kept indices along the axis, ascending. */
  keep: Int32Array;
}

export interface RewriteContext extends RuleContext {
  /** Changes of a port's value, by axis (empty map: unchanged). */
  changes(io: 'in' | 'out', slot: number): ReadonlyMap<number, AxisChange>;
  /** Changes of any value, by axis. */
  changesOf(value: string): ReadonlyMap<number, AxisChange>;
  /** Points input `slot` at a fresh constant holding `value` (never rewrites storage another node may share). */
  setInput(slot: number, value: Tensor): void;
  /** Adds a fresh initializer (unique name derived from `hint`) and returns its name. */
  addConstant(hint: string, value: Tensor): string;
  /** Rewrites position `pos` of a shape vector input (constant, or Concat-built) to `value`; false if impossible. */
  setShapeEntry(slot: number, pos: number, value: number): boolean;
}

export interface OpRule {
  links(ctx: RuleContext, port: Port): RuleResult;
  /** Adjusts attributes and shape constants after the node's values changed. */
  rewrite?(ctx: RewriteContext): void;
}

export const blocked = (reason: string): RuleResult => ({ blocked: reason });
export const identity: IndexMap = { kind: 'identity' };

/** Normalises a possibly negative axis for a value of rank `rank`. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export function rankOf(ctx: RuleContext, io: 'in' | 'out', slot: number): number | undefined {
  return ctx.shape(io, slot)?.length;
}

/** Concrete size of an axis, or undefined. */
export function dimOf(ctx: RuleContext, io: 'in' | 'out', slot: number, axis: number): number | undefined {
  const d = ctx.shape(io, slot)?.[axis];
  return typeof d === 'number' ? d : undefined;
}
