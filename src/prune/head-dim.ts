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
 * the product stays zero where its inputs are (`zeroPreserving`): the removed channels then add 0 to
 * every score, as removing them does. A stored attention scale stays what it was: the pruned model
 * keeps the dense 1/sqrt(hd), which is what the masked model computes.
 */
import type { Node } from '../ir/types.js';
import { buildGroups, uniqueId, type Group } from './group-build.js';
import { propagate, type Propagation } from './spaces.js';

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

/**
 * The head_dim propagation over `first.model` and the (value, axis) spaces that are head_dim (the last
 * axis of a head Reshape's split side); undefined when the model splits no heads by Reshape.
 */
export function headDimPropagation(
  first: Propagation,
  options: { keepInterface?: boolean } = {},
): { prop: Propagation; headDims: (readonly [string, number])[] } | undefined {
  const reshapes = headReshapes(first);
  if (reshapes.length === 0) return undefined;
  // The innermost digit is the last of a chooser's alternatives (reshape.ts: pairings, outer to inner).
  const choices = new Map(reshapes.map((n) => [n, first.choosers.get(n)!.alternatives - 1]));
  const prop = propagate(first.model, {
    index: first.index,
    shapes: first.shapes,
    choices,
    ...(options.keepInterface ? { keepInterface: true } : {}),
  });
  const headDims = reshapes.flatMap((node) => {
    const rank = (v: string) => first.shapes.values.get(v)?.shape?.length ?? 0;
    const split = rank(node.inputs[0]) > rank(node.outputs[0]) ? node.inputs[0] : node.outputs[0];
    return [[split, rank(split) - 1] as const];
  });
  return { prop, headDims };
}

/** Ops whose output is zero wherever the input carrying the channel is (data movement, sign, products). */
const MOVES_ZERO = new Set([
  'Reshape',
  'Transpose',
  'Slice',
  'Split',
  'Squeeze',
  'Unsqueeze',
  'Expand',
  'Tile',
  'Identity',
  'Neg',
  'Cast',
  'Gather',
  'Mul',
  'MatMul',
  'Einsum',
]);
/** Ops that are zero only when every input is (a sum or a join with something outside the group is not). */
const SUMS = new Set(['Add', 'Sub', 'Concat']);

/**
 * Why zeroing the group's stored members would leave a removed channel non-zero somewhere between them
 * and the product that contracts it; undefined when it would not (the q·k group is then mask-exact).
 */
export function zeroPreserving(prop: Propagation, group: Group): string | undefined {
  const inGroup = new Set<string>([...group.values.map(([v]) => v), ...group.members.map((m) => m.tensor)]);
  for (const [value] of group.values) {
    const node = prop.index.producer.get(value);
    if (!node) {
      if (group.cache?.includes(value)) continue; // a KV cache: the oracle feeds zeros in removed channels
      return `${value} is a graph input that is no KV cache`;
    }
    const label = `${node.opType} ${node.name || node.outputs[0]}`;
    if (node.domain !== '') return `${label} is not known to keep a zero channel zero`;
    if (MOVES_ZERO.has(node.opType)) continue;
    if (SUMS.has(node.opType)) {
      const outside = node.inputs.find((n) => n && !inGroup.has(n));
      if (outside) return `${label} adds ${outside}, which is not zero in the removed channels`;
      continue;
    }
    if (node.opType === 'Gemm' && node.inputs[2] && !inGroup.has(node.inputs[2]))
      return `${label} adds ${node.inputs[2]}, which is not zero in the removed channels`;
    if (node.opType === 'Gemm') continue;
    if (node.opType === 'Div') {
      if (inGroup.has(node.inputs[1])) return `${label} divides by the channels`;
      continue;
    }
    return `${label} is not zero where its input is`;
  }
  return undefined;
}

/** The head_dim positions of channel 0 in the first head_dim space it touches (2 for a RoPE pair). */
function perChannel(prop: Propagation, g: Group, headDims: readonly (readonly [string, number])[]): number {
  const counts = new Map<number, number>();
  for (const e of g.elements[0]) {
    const s = prop.spaceOf(e);
    if (headDims.some(([v, a]) => v === s.value && a === s.axis)) counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
  }
  return counts.values().next().value ?? 1;
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
  const isHeadDim = ([v, a]: readonly [string, number]) => headDims.some(([hv, ha]) => hv === v && ha === a);
  const groups = buildGroups(prop, new Set(ids), '/head_dim', copies).filter((g) => g.values.some(isHeadDim));
  for (const g of groups) {
    const part = g.contracted?.length ? 'qk' : 'v';
    const [value, axis] = g.values.find(isHeadDim)!;
    const size = prop.shapes.values.get(value)?.shape?.[axis];
    const unit = heads.find((u) => u.members.some((m) => g.members.some((gm) => gm.tensor === m.tensor)))?.id;
    g.id = unit ? uniqueId(`${unit}/head_dim_${part}`, ids, g.members[0]?.indices[0]?.[0] ?? 0) : g.id;
    ids.add(g.id);
    g.headDim = {
      part,
      size: typeof size === 'number' ? size : 0,
      perChannel: perChannel(prop, g, headDims),
      ...(unit ? { unit } : {}),
    };
    // Only the q·k contraction makes it inexact: exact when zeroed where produced, if nothing un-zeroes it.
    if (part !== 'qk' || g.inexact.length !== g.contracted!.length) continue;
    const why = zeroPreserving(prop, g);
    if (why) g.inexact.push(why);
    else {
      g.maskExact = true;
      g.inexact = [];
      g.zeroStored = true;
    }
  }
  return groups.length ? { prop, groups } : undefined;
}
