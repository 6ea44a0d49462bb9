/**
 * Whether zeroing a group's channels where they are produced (in every stored member) zeroes them
 * wherever they leave the group: the mask oracle for a q·k head_dim group, whose channels leave only
 * through a product of two activations (q·kᵀ), where no entry weight exists to zero.
 *
 * Walking the graph in order, a value of the group is zero in the removed channels when it is a
 * zeroed member or a KV cache (the oracle feeds zeros there), or its node keeps them zero: data
 * movement of a zero input, a product with one zero factor (q · cos: the table need not be zero), a
 * sum or join whose every input is a zero group value, a quotient of a zero numerator. Then every
 * place the channels leave the group must be a product with a zero operand (Shape reads no values;
 * a KV-cache output is compared only at the kept channels).
 */
import type { Node } from '../ir/types.js';
import type { Group } from './group-build.js';
import type { Propagation } from './spaces.js';

/** Ops whose output is zero wherever their data input is. */
const MOVES = new Set([
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
]);
/** Ops whose output is zero wherever one factor is. */
const PRODUCTS = new Set(['Mul', 'MatMul', 'Einsum']);
/** Ops that are zero only where every input is. */
const SUMS = new Set(['Add', 'Sub', 'Concat']);
/** Ops that read a value's shape, not its contents. */
const SHAPE_READS = new Set(['Shape', 'Size']);

const label = (n: Node) => `${n.opType} ${n.name || n.outputs[0]}`;

/** Does `node` keep the removed channels of its group outputs zero, given which inputs are zero? */
function keepsZero(node: Node, zero: ReadonlySet<string>, inGroup: ReadonlySet<string>): string | undefined {
  if (node.domain !== '') return `${label(node)} is not known to keep a zero channel zero`;
  const ins = node.inputs.filter((n) => n);
  if (MOVES.has(node.opType)) return zero.has(node.inputs[0]) ? undefined : `${label(node)} moves a non-zero value`;
  if (PRODUCTS.has(node.opType))
    return ins.some((n) => zero.has(n)) ? undefined : `${label(node)} multiplies no zero factor`;
  // Gemm: A·B + C is zero where a factor is and C is absent or zero.
  if (node.opType === 'Gemm')
    return (zero.has(node.inputs[0]) || zero.has(node.inputs[1])) && (!node.inputs[2] || zero.has(node.inputs[2]))
      ? undefined
      : `${label(node)} has no zero factor or adds a non-zero C`;
  // A Concat on the channel axis takes each channel from one input: only the inputs carrying it count.
  const summed = node.opType === 'Concat' ? ins.filter((n) => inGroup.has(n)) : ins;
  if (SUMS.has(node.opType)) {
    const other = summed.find((n) => !zero.has(n));
    return other ? `${label(node)} adds ${other}, which is not zero in the removed channels` : undefined;
  }
  if (node.opType === 'Div')
    return zero.has(node.inputs[0]) && !inGroup.has(node.inputs[1])
      ? undefined
      : `${label(node)} divides a non-zero value or by the channels`;
  return `${label(node)} is not zero where its input is`;
}

/**
 * Why zeroing `group`'s stored members would leave a removed channel non-zero where it leaves the group;
 * undefined when it would not (the group is then mask-exact with the oracle zeroing stored members).
 */
export function zeroPreserving(prop: Propagation, group: Group): string | undefined {
  const values = new Set(group.values.map(([v]) => v));
  const inGroup = new Set([...values, ...group.members.map((m) => m.tensor)]);
  const zero = new Set<string>([...group.members.map((m) => m.tensor), ...(group.cache ?? [])]);
  const graph = prop.model.graph;
  for (const v of values) if (!prop.index.producer.has(v) && !zero.has(v)) return `${v} is a graph input, no KV cache`;
  for (const node of graph.nodes) {
    if (!node.outputs.some((o) => values.has(o))) continue;
    if (!keepsZero(node, zero, inGroup)) for (const o of node.outputs) if (values.has(o)) zero.add(o);
  }
  // Where the channels leave the group: consumers of a group value that produce none and do not just
  // select other channels (a Slice of the other half) or read the shape.
  for (const v of values) {
    for (const { node } of prop.index.consumers.get(v) ?? []) {
      if (node.outputs.some((o) => values.has(o)) || SHAPE_READS.has(node.opType) || MOVES.has(node.opType)) continue;
      // A product with a zero factor: q·kᵀ, or an entry weight zeroed as a member (o_proj rows under a
      // stacked KV cache that couples k's head_dim with v's).
      const zeroFactor = node.inputs.some((n) => zero.has(n));
      if ((PRODUCTS.has(node.opType) || node.opType === 'Gemm') && node.domain === '' && zeroFactor) continue;
      const producers = node.inputs.filter((n) => values.has(n)).map((n) => prop.index.producer.get(n));
      const cause = producers.map((p) => p && keepsZero(p, zero, inGroup)).find((c) => c);
      return `${label(node)} reads ${v} where the removed channels are not zero${cause ? ` (${cause})` : ''}`;
    }
    if (prop.index.graphOutputs.has(v) && !group.cache?.includes(v)) return `graph output ${v} carries the channels`;
  }
  return undefined;
}
