/**
 * KV-cache interface values, found by the graph (never by name): a graph input
 * that is concatenated with values the model computes, along one axis, into a
 * graph output (`present = Concat(past, new)`, the HF/torch export; moves between
 * them allowed, as in GPT-2's stacked `past [2, B, H, S, hd]`: `past[0]`, `past[1]`
 * each grown, `torch.stack` into `present`), and the
 * contrib attention ops' `past_*`/`present_*` slots. Pruning KV heads or the
 * head size shrinks these; that changes the model's interface on purpose (cache
 * memory is the point), so they are reported rather than blocking, unless the
 * caller keeps the interface.
 */
import type { GraphIndex } from '../ir/graph-index.js';
import type { Graph } from '../ir/types.js';
import { opDef } from '../ops/registry.js';

/**
 * Ops that only move a cache's elements (no arithmetic): between a past input and the Concat that
 * grows it (`past[0]` of a stacked `[2, B, H, S, hd]` cache is a Gather), and between that Concat
 * and the present output (`torch.stack((k, v))` is Unsqueeze + Concat).
 */
const MOVES = new Set(['Gather', 'Slice', 'Split', 'Squeeze', 'Unsqueeze', 'Identity', 'Transpose', 'Reshape']);
/** How many moves a past input or present output may sit from the growing Concat. */
const MAX_MOVES = 4;

/** The graph input `value` is moved from (through MOVES only), if any. */
function pastInputOf(value: string, index: GraphIndex): string | undefined {
  for (let v = value, hops = 0; hops <= MAX_MOVES; hops++) {
    if (index.graphInputs.has(v)) return v;
    const p = index.producer.get(v);
    if (p?.domain !== '' || !MOVES.has(p.opType)) return undefined;
    v = p.inputs[0];
  }
  return undefined;
}

/** Graph outputs `value` reaches through moves and stacking Concats only. */
function presentOutputsOf(value: string, index: GraphIndex): string[] {
  const found: string[] = [];
  let frontier = [value];
  for (let hops = 0; hops <= MAX_MOVES && frontier.length; hops++) {
    const next: string[] = [];
    for (const v of frontier) {
      if (index.graphOutputs.has(v)) found.push(v);
      for (const { node } of index.consumers.get(v) ?? []) {
        if (node.domain !== '' || !(MOVES.has(node.opType) || node.opType === 'Concat')) continue;
        next.push(...node.outputs.filter(Boolean));
      }
    }
    frontier = next;
  }
  return found;
}

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
    const past = node.inputs.map((i) => pastInputOf(i, index));
    // The cache grows by what the model computed this step: at least one input is not a graph input.
    if (past.every((p) => p === undefined) || past.every((p) => p !== undefined)) continue;
    // The grown cache is handed out: the Concat's output is (moved into) a graph output.
    const present = presentOutputsOf(node.outputs[0], index);
    if (present.length === 0) continue;
    for (const p of present) out.add(p);
    for (const p of past) if (p) out.add(p);
  }
  return out;
}
