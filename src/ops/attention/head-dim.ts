/**
 * head_dim inside fused attention ops: the pairing a fused op answers when the head_dim analysis
 * (prune/head-dim.ts) asks it for choice `HEAD_DIM_CHOICE` instead of its heads. Channel i is
 * position i of every head: on a features port [heads·size] element e is channel e mod size (its
 * elements are tied by residue), on a per-head port ([B, heads, T, size] caches, 4-D inputs) it is
 * position i itself. q and k meet in the op's q·kᵀ (one group, contracted between two activations);
 * v reaches the output's features (its own group). A part the op cannot follow is blocked with why.
 */
import { attrFloat, setAttrFloat } from '../../ir/attrs.js';
import type { Node } from '../../ir/types.js';
import type { IndexMap } from '../index-map.js';
import { blocked, identity, type Link, type Port, type RuleResult, type Tie } from '../channel-rule.js';

/** The choice a fused attention or rotary op reads as "pair head_dim, not heads". */
export const HEAD_DIM_CHOICE = 1;

/** A port carrying head_dim: 'features' holds [heads·size] on its axis, 'dim' holds [size]. */
export interface HeadDimPort extends Port {
  form: 'features' | 'dim';
}

/** One part (q·k or v) of a fused op's head_dim: its head size and ports (the first is canonical). */
export interface HeadDimPart {
  size: number;
  ports: HeadDimPort[];
  /** Why this part cannot be followed through the op. */
  blocked?: string;
}

export interface HeadDimLayout {
  qk: HeadDimPart;
  v: HeadDimPart;
}

const samePort = (a: Port, b: Port) => a.io === b.io && a.slot === b.slot && a.axis === b.axis;

/** The links of `port` under `layout`: star links through the part's canonical port, residues tied. */
export function headDimLinks(port: Port, layout: HeadDimLayout | string, op: string): RuleResult {
  if (typeof layout === 'string') return blocked(`head_dim: ${layout}`);
  for (const [name, part] of [
    ['qk', layout.qk],
    ['v', layout.v],
  ] as const) {
    const me = part.ports.find((p) => samePort(p, port));
    if (!me) continue;
    if (part.blocked) return blocked(`head_dim of ${name === 'qk' ? 'q and k' : 'v'}: ${part.blocked}`);
    const canonical = part.ports[0];
    const others = me === canonical ? part.ports.slice(1) : [canonical];
    // From features, e → e mod size (head 0's position, or the position itself on a dim port); from a dim
    // port, i → i. Every features port ties its residues, so the other heads join through that tie.
    const map: IndexMap = me.form === 'features' ? { kind: 'modulo', period: part.size } : identity;
    const links: Link[] = others.map((o) => ({ io: o.io, slot: o.slot, axis: o.axis, map }));
    const ties: Tie[] = me.form === 'features' ? [{ ...port, kind: 'residues', size: part.size }] : [];
    return name === 'qk'
      ? { links, ties, inexact: `${op} contracts head_dim between q and k`, contraction: true }
      : { links, ties };
  }
  return blocked(`head_dim: axis ${port.axis} of ${port.io}put ${port.slot} carries no head_dim`);
}

/** How many heads and how many positions per head a features axis keeps (heads × head_dim, both pruned). */
export function keptHeadsAndSize(keep: Int32Array, size: number): { heads: number; size: number } {
  const heads = new Set<number>(),
    positions = new Set<number>();
  for (const e of keep) {
    heads.add(Math.floor(e / size));
    positions.add(e % size);
  }
  return { heads: heads.size, size: positions.size };
}

/**
 * A fused op's default scale is 1/sqrt(q·k head size): once head_dim is pruned it is written as the dense
 * value (what the masked model computes; the pruned model stays equal to it), unless a scale is set.
 */
export function keepDenseScale(node: Node, denseSize: number, prunedSize: number): void {
  if (prunedSize === denseSize || attrFloat(node, 'scale', 0) !== 0) return;
  setAttrFloat(node, 'scale', 1 / Math.sqrt(denseSize));
}
