/**
 * Which weights a global mask considers: floating constants feeding the weight
 * input of Conv (input 1), Gemm (input 1) or MatMul (input 1), and Einsum
 * kernels (a stored operand of rank >= 2 summed against an activation). Biases,
 * normalization parameters and embeddings (Gather) are left alone: zeroing
 * them is not "pruning a connection" and they are tiny anyway.
 */
import { constantSource } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import { isFloating } from '../../ir/tensor.js';
import type { Model, Node } from '../../ir/types.js';
import { attrString } from '../../ir/attrs.js';
import { parseEinsum, summedLabels } from '../rules/einsum.js';
import { resolveWeight } from './reduction-axis.js';

const WEIGHT_SLOT: Record<string, number> = { Conv: 1, Gemm: 1, MatMul: 1 };

/** Input slots that hold a weight: Einsum operands that share a summed-away label with another operand. */
function weightSlots(node: Node): number[] {
  if (node.opType !== 'Einsum') return WEIGHT_SLOT[node.opType] === undefined ? [] : [WEIGHT_SLOT[node.opType]];
  const eq = parseEinsum(attrString(node, 'equation') ?? '');
  if (typeof eq === 'string') return [];
  return eq.inputs.flatMap((_, slot) => (summedLabels(eq, slot).length ? [slot] : []));
}

/** Stored names (initializer name or Constant output) of prunable weights, sorted, each once. */
export function prunableWeights(model: Model): string[] {
  const index = indexGraph(model.graph);
  const roots = new Set<string>();
  for (const node of model.graph.nodes) {
    if (node.domain !== '') continue;
    for (const slot of weightSlots(node)) {
      const name = node.inputs[slot];
      if (!name || !constantSource(model.graph, name, index)) continue;
      const { value, root } = resolveWeight(model, name, index);
      if (isFloating(value.dtype) && value.dims.length >= (node.opType === 'Einsum' ? 2 : 1)) roots.add(root);
    }
  }
  return [...roots].sort();
}
