/**
 * head_dim groups: the channels inside attention heads. In the first analysis the Reshape that splits
 * features into [heads, head_dim] pairs the features with the head digit (a head is a channel). A
 * union-find holds one pairing, so a third propagation over the same model pairs every such Reshape
 * (split and merge, repeat_kv's too) with its innermost digit: channel i of head_dim is then feature
 * h·hd + i of every head h. The same index set in every head is not a simplification: the RoPE
 * cos/sin tables are one column per head_dim index, broadcast over every head, and under grouped-query
 * attention one key head serves n_rep query heads, so the tables and the products couple index i
 * across heads; the Reshape needs one head size anyway.
 *
 * Propagation then finds what pairs channels inside a head: rotate_half's Slice/Neg/Concat unites i
 * with i + hd/2, GPT-J's step-2 slices and stack/flatten unite 2i with 2i+1, partial rotary pairs only
 * the rotated part; the tables are members (sliced along). q and k meet in q·kᵀ, which contracts
 * head_dim between two activations: one group (`part: 'qk'`); v's head_dim reaches the output
 * projection's rows (`part: 'v'`, exact at that entry as any channel).
 *
 * The q·k group is mask-exact when the oracle zeroes the channel in every stored member (q_proj and
 * k_proj columns, their biases, the tables' columns) and every value of the group between them and
 * the product stays zero where its inputs are (zero-channels.ts): the removed channels then add 0 to
 * every score, as removing them does. A stored attention scale stays what it was: the pruned model
 * keeps the dense 1/sqrt(hd), which is what the masked model computes.
 */
import { attrInt } from '../ir/attrs.js';
import type { Node } from '../ir/types.js';
import { HEAD_DIM_CHOICE } from '../ops/attention/head-dim.js';
import { buildGroups, uniqueId, type Group } from './group-build.js';
import { propagate, type Propagation } from './spaces.js';
import { zeroPreserving } from './zero-channels.js';

/** The Reshapes that split features into heads or merge them back (their spaces reach an attention product). */
function headReshapes(first: Propagation): Node[] {
  const roots = new Set<number>();
  for (const s of first.spaces) if (s.attention) for (let i = 0; i < s.n; i++) roots.add(first.uf.find(s.base + i));
  const out: Node[] = [];
  for (const [node, { spaces }] of first.choosers) {
    if (node.opType !== 'Reshape') continue;
    if (spaces.some((s) => roots.has(first.uf.find(s.base)))) out.push(node);
  }
  return out;
}

/** A value's axis that carries head_dim: `heads` heads of `n / heads` positions (1 on a head_dim axis itself). */
export interface HeadDimAxis {
  value: string;
  axis: number;
  heads: number;
  /** Which part a fused op's port is (a Reshape's head_dim is either: the product decides). */
  part?: 'qk' | 'v';
}

/** Fused ops that answer HEAD_DIM_CHOICE with their head_dim pairing (ops/attention/head-dim.ts). */
const FUSED = new Set(['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'RotaryEmbedding']);
const isFused = (n: Node) => (n.domain === '' || n.domain === 'com.microsoft') && FUSED.has(n.opType);

/** Where a fused attention op's q and v features (or 4-D head_dim axes) are, with their head counts. */
function fusedHeadDims(node: Node, rank: (v: string) => number): HeadDimAxis[] {
  if (node.opType === 'RotaryEmbedding') return [];
  if (node.opType === 'Attention' && node.domain === 'com.microsoft')
    return [{ value: node.outputs[0], axis: 2, heads: attrInt(node, 'num_heads', 1), part: 'v' }];
  if (rank(node.inputs[0]) === 4)
    return [
      { value: node.inputs[0], axis: 3, heads: 1, part: 'qk' },
      { value: node.inputs[2], axis: 3, heads: 1, part: 'v' },
    ];
  const qHeads = attrInt(node, node.domain === '' ? 'q_num_heads' : 'num_heads', 1);
  const vHeads = node.opType === 'MultiHeadAttention' ? qHeads : attrInt(node, 'kv_num_heads', 1);
  return [
    { value: node.inputs[0], axis: 2, heads: qHeads, part: 'qk' },
    { value: node.inputs[2], axis: 2, heads: vHeads, part: 'v' },
  ];
}

/**
 * The head_dim propagation over `first.model` and the axes that are head_dim (the last axis of a head
 * Reshape's split side, a fused op's q and v features); undefined when the model has neither.
 */
export function headDimPropagation(
  first: Propagation,
  options: { keepInterface?: boolean } = {},
): { prop: Propagation; headDims: HeadDimAxis[] } | undefined {
  const reshapes = headReshapes(first);
  const fused = first.model.graph.nodes.filter(isFused);
  if (reshapes.length === 0 && fused.length === 0) return undefined;
  // The innermost digit is the last of a chooser's alternatives (reshape.ts: pairings, outer to inner).
  const choices = new Map<Node, number>(reshapes.map((n) => [n, first.choosers.get(n)!.alternatives - 1]));
  for (const n of fused) choices.set(n, HEAD_DIM_CHOICE);
  const prop = propagate(first.model, {
    index: first.index,
    shapes: first.shapes,
    choices,
    ...(options.keepInterface ? { keepInterface: true } : {}),
  });
  const rank = (v: string) => first.shapes.values.get(v)?.shape?.length ?? 0;
  const headDims: HeadDimAxis[] = reshapes.map((node) => {
    const split = rank(node.inputs[0]) > rank(node.outputs[0]) ? node.inputs[0] : node.outputs[0];
    return { value: split, axis: rank(split) - 1, heads: 1 };
  });
  for (const n of fused) headDims.push(...fusedHeadDims(n, rank));
  return { prop, headDims };
}

/** The head_dim axis of a group, its head size and the positions per head channel 0 removes (2: a RoPE pair). */
function headDimOf(prop: Propagation, g: Group, axes: readonly HeadDimAxis[]) {
  for (const [value, axis] of g.values) {
    const at = axes.find((h) => h.value === value && h.axis === axis);
    const n = prop.shapes.values.get(value)?.shape?.[axis];
    if (!at || typeof n !== 'number') continue;
    const positions = g.elements[0].filter((e) => {
      const s = prop.spaceOf(e);
      return s.value === value && s.axis === axis;
    }).length;
    return { size: n / at.heads, perChannel: Math.max(1, positions / at.heads), part: at.part };
  }
  return undefined;
}

/**
 * The head_dim groups of the third propagation (ids `<unit>/head_dim_qk`, `<unit>/head_dim_v`), marked
 * `headDim`; the q·k ones mask-exact with `zeroStored` when zeroing where produced is exact. `heads` are
 * the first pass' KV-head groups (a head_dim group belongs to the unit it shares a projection with).
 */
export function headDimGroups(
  first: Propagation,
  heads: readonly Group[],
  ids: Set<string>,
  copies: ReadonlySet<string>,
  options: { keepInterface?: boolean } = {},
): { prop: Propagation; groups: Group[] } | undefined {
  const pass = headDimPropagation(first, options);
  if (!pass) return undefined;
  const { prop, headDims } = pass;
  const groups = buildGroups(prop, new Set(ids), '/head_dim', copies).flatMap((g) => {
    const of = headDimOf(prop, g, headDims);
    return of ? [{ g, of }] : [];
  });
  for (const { g, of: found } of groups) {
    // q·k meet in a product of two activations (a fused op's ports say which part they are).
    const { part: named, ...of } = found;
    const part = named ?? (g.contracted?.length ? 'qk' : 'v');
    const unit = heads.find((u) => u.members.some((m) => g.members.some((gm) => gm.tensor === m.tensor)))?.id;
    g.id = unit ? uniqueId(`${unit}/head_dim_${part}`, ids, g.members[0]?.indices[0]?.[0] ?? 0) : g.id;
    ids.add(g.id);
    g.headDim = { part, ...of, ...(unit ? { unit } : {}) };
    // Only the q·k contraction makes it inexact: exact when zeroed where produced, if nothing un-zeroes it.
    if (part !== 'qk' || g.blocked || !g.contracted || g.inexact.length !== g.contracted.length) continue;
    const why = zeroPreserving(prop, g);
    if (why) g.inexact.push(why);
    else {
      g.maskExact = true;
      g.inexact = [];
      g.zeroStored = true;
    }
  }
  return groups.length ? { prop, groups: groups.map(({ g }) => g) } : undefined;
}
