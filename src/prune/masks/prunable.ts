/**
 * Which weights a global mask considers: floating constants at an input the op
 * registry declares a weight (`OpDef.weights`: Conv/ConvTranspose kernels, Gemm
 * and MatMul operands, Einsum kernels of rank >= 2 summed against an activation, onnxruntime's packed
 * Attention QKV weight). Biases,
 * normalization parameters and embeddings (Gather) are left alone: zeroing
 * them is not "pruning a connection" and they are tiny anyway.
 */
import { constantSource } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import { isFloating } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import { opDef } from '../../ops/registry.js';
import { resolveWeight } from './reduction-axis.js';

/** Stored names (initializer name or Constant output) of prunable weights, sorted, each once. */
export function prunableWeights(model: Model): string[] {
  const index = indexGraph(model.graph);
  const roots = new Set<string>();
  for (const node of model.graph.nodes) {
    for (const { slot, minRank = 1 } of opDef(node.opType, node.domain)?.weights?.(node) ?? []) {
      const name = node.inputs[slot];
      if (!name || !constantSource(model.graph, name, index)) continue;
      const { value, root } = resolveWeight(model, name, index);
      if (isFloating(value.dtype) && value.dims.length >= minRank) roots.add(root);
    }
  }
  return [...roots].sort();
}
