/**
 * KV-cache interface values, found by the graph (never by name): a graph input
 * that is concatenated with values the model computes, along one axis, into a
 * graph output (`present = Concat(past, new)`, the HF/torch export), and the
 * contrib attention ops' `past_*`/`present_*` slots. Pruning KV heads or the
 * head size shrinks these; that changes the model's interface on purpose (cache
 * memory is the point), so they are reported rather than blocking, unless the
 * caller keeps the interface.
 */
import type { GraphIndex } from '../ir/graph-index.js';
import type { Graph } from '../ir/types.js';
import { opDef } from '../ops/registry.js';

/** Names of graph inputs and outputs that form a KV cache. */
export function cacheInterface(graph: Graph, index: GraphIndex): Set<string> {
  const out = new Set<string>();
  for (const node of graph.nodes) {
    const slots = opDef(node.opType, node.domain)?.kvCache;
    if (slots) {
      for (const s of slots.inputs) if (index.graphInputs.has(node.inputs[s] ?? '')) out.add(node.inputs[s]);
      for (const s of slots.outputs) if (index.graphOutputs.has(node.outputs[s] ?? '')) out.add(node.outputs[s]);
      continue;
    }
    if (node.domain !== '' || node.opType !== 'Concat') continue;
    const present = node.outputs[0];
    if (!index.graphOutputs.has(present)) continue;
    const past = node.inputs.filter((i) => index.graphInputs.has(i));
    // The cache grows by what the model computed this step: at least one input is not a graph input.
    if (past.length === 0 || past.length === node.inputs.length) continue;
    out.add(present);
    for (const p of past) out.add(p);
  }
  return out;
}
