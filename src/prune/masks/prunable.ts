/**
 * Which weights a global mask considers: floating constants feeding the weight
 * input of Conv (input 1), Gemm (input 1) or MatMul (input 1). Biases,
 * normalization parameters and embeddings (Gather) are left alone: zeroing
 * them is not "pruning a connection" and they are tiny anyway.
 */
import { constantSource } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import { isFloating } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import { resolveWeight } from './reduction-axis.js';

const WEIGHT_SLOT: Record<string, number> = { Conv: 1, Gemm: 1, MatMul: 1 };

/** Stored names (initializer name or Constant output) of prunable weights, sorted, each once. */
export function prunableWeights(model: Model): string[] {
  const index = indexGraph(model.graph);
  const roots = new Set<string>();
  for (const node of model.graph.nodes) {
    const slot = WEIGHT_SLOT[node.opType];
    if (slot === undefined || node.domain !== '') continue;
    const name = node.inputs[slot];
    if (!name || !constantSource(model.graph, name, index)) continue;
    const { value, root } = resolveWeight(model, name, index);
    if (isFloating(value.dtype)) roots.add(root);
  }
  return [...roots].sort();
}
