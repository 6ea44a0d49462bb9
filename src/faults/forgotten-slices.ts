/** Pruners that slice the main weights but forget one more tensor or attribute coupled to them. */
import { attrInt, setAttrInt } from '../ir/attrs.js';
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node } from '../ir/types.js';
import type { Fault } from './types.js';
import { restoringFault, undoingFault } from './restoring.js';

const LINEAR = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);

export const biasNotSliced: Fault = restoringFault(
  {
    id: 'bias-not-sliced',
    bug: "A layer's output channels are removed from its weight, but its bias keeps the old length.",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  () => (node, tensor) => (node.opType === 'Conv' || node.opType === 'Gemm') && node.inputs[2] === tensor,
);

export const consumerNotSliced: Fault = restoringFault(
  {
    id: 'consumer-not-sliced',
    bug: "A layer's output channels are removed, but the next layer keeps all its input channels (the consumer is not traced).",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  (p) => {
    const entries = new Set(
      p.removed.flatMap(({ group }) => group.members.filter((m) => m.entry).map((m) => m.tensor)),
    );
    return (node, tensor) => LINEAR.has(node.opType) && entries.has(tensor);
  },
);

export const depthwiseGroupNotUpdated: Fault = undoingFault(
  {
    id: 'depthwise-group-not-updated',
    bug: 'A depthwise convolution loses channels from its weight, but its `group` attribute keeps the old channel count (Torch-Pruning and NNI have both shipped this).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  ({ dense, pruned }) => {
    const before = new Map(dense.graph.nodes.map((n) => [n.name, n]));
    for (const conv of pruned.graph.nodes.filter((n) => n.opType === 'Conv' && attrInt(n, 'group', 1) > 1)) {
      const old = before.get(conv.name);
      const w = constantValue(pruned.graph, conv.inputs[1]);
      if (old && w && w.dims[1] === 1) setAttrInt(conv, 'group', attrInt(old, 'group', 1));
    }
  },
);

/** Nodes whose output reaches a repeat_kv (Unsqueeze then Expand/Tile) within a few layout ops. */
export function feedsRepeatKv(model: Model, node: Node): boolean {
  const index = indexGraph(model.graph);
  let frontier = [node];
  for (let depth = 0; depth < 5 && frontier.length; depth++) {
    const next: Node[] = [];
    for (const n of frontier) {
      for (const out of n.outputs) {
        for (const { node: u } of index.consumers.get(out) ?? []) {
          if (
            u.opType === 'Unsqueeze' &&
            (index.consumers.get(u.outputs[0]) ?? []).some(
              (x) => x.node.opType === 'Expand' || x.node.opType === 'Tile',
            )
          )
            return true;
          if (['Reshape', 'Transpose', 'Add'].includes(u.opType)) next.push(u);
        }
      }
    }
    frontier = next;
  }
  return false;
}

export const gqaKvHeadsNotPruned: Fault = restoringFault(
  {
    id: 'gqa-kv-heads-not-pruned',
    bug: 'Grouped-query attention: query heads are removed, but the K/V projections keep every KV head (the pruner treats K/V as independent of Q), so repeat_kv produces the old head count (LLM-Pruner, Torch-Pruning on Llama).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => (node) => LINEAR.has(node.opType) && feedsRepeatKv(p.analysis.model, node),
);
