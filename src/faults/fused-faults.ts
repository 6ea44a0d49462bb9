/**
 * Fused attention ops' bug classes (onnxruntime's MultiHeadAttention and GroupQueryAttention,
 * opset-23 Attention): the projections are sliced but the op's head-count attributes keep the
 * config's values (optimum/ORT transformers' fusion reads num_heads from the config, not the
 * weights), or the per-head inputs beside q/k/v (an additive attention bias, GQA's head_sink
 * logits) keep the old head count; RoPE's cos/sin tables left at the dense head size when head_dim
 * is pruned.
 */
import { hasAttr, setAttrInt, attrInt } from '../ir/attrs.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node } from '../ir/types.js';
import { restoringFault, undoingFault } from './restoring.js';
import type { Fault } from './types.js';

/** Fused attention ops (default domain and com.microsoft) and the attributes holding their head counts. */
const HEAD_ATTRS: Record<string, readonly string[]> = {
  Attention: ['q_num_heads', 'kv_num_heads', 'num_heads'],
  MultiHeadAttention: ['num_heads'],
  GroupQueryAttention: ['num_heads', 'kv_num_heads'],
};

/** Inputs of a fused op that hold one entry per query head besides q/k/v: attention bias, head_sink. */
const PER_HEAD_SLOTS: Record<string, readonly number[]> = {
  Attention: [3],
  MultiHeadAttention: [5],
  GroupQueryAttention: [10, 11],
};

/** Ops a stored per-head input passes through on its way into the op (fp16 Cast, QDQ, exporter Identity). */
const CONVERSIONS = new Set(['Cast', 'DequantizeLinear', 'Identity']);

/** Whether `tensor`, read by `node`, is (or converts into) a per-head input of a fused attention op. */
function isPerHeadInput(model: Model, node: Node, tensor: string): boolean {
  const index = indexGraph(model.graph);
  let reader = node;
  let value = tensor;
  for (let hops = 0; hops < 3 && CONVERSIONS.has(reader.opType); hops++) {
    value = reader.outputs[0];
    const next = index.consumers.get(value)?.[0];
    if (!next) return false;
    reader = next.node;
  }
  const slots = PER_HEAD_SLOTS[reader.opType];
  return !!slots && slots.some((s) => reader.inputs[s] === value);
}

export const fusedNumHeadsNotUpdated: Fault = undoingFault(
  {
    id: 'fused-num-heads-not-updated',
    bug:
      "Heads are removed from a fused attention op's q/k/v projections, but its num_heads / kv_num_heads / " +
      'q_num_heads attributes keep the config values (fusion and export read them from the unpruned config), ' +
      'so the op splits the narrower features into the old head count (smaller heads) or refuses them.',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'mask-equivalence'],
    families: ['fused'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  ({ dense, pruned }) => {
    const before = new Map(dense.graph.nodes.map((n) => [n.name, n]));
    for (const node of pruned.graph.nodes) {
      const d = before.get(node.name);
      for (const a of HEAD_ATTRS[node.opType] ?? []) {
        const value = d && attrInt(d, a);
        if (value !== undefined && hasAttr(node, a)) setAttrInt(node, a, value);
      }
    }
  },
);

export const attentionBiasHeadsNotSliced: Fault = restoringFault(
  {
    id: 'attention-bias-heads-not-sliced',
    bug:
      'Heads are removed from a fused attention op, but its per-head inputs (the additive attention bias ' +
      "[1, heads, S, T], GroupQueryAttention's head_sink logits) keep every head: the op reads the removed " +
      "heads' biases for the kept ones, or refuses the head count (ALiBi/relative-position biases and sinks " +
      'stored beside the weights, sliced by no pruner rule).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'mask-equivalence'],
    families: ['fused'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => (node, tensor) => isPerHeadInput(p.analysis.model, node, tensor),
);

/** Whether `tensor`, read by `node`, multiplies into the rotated values: a RoPE cos/sin table (maybe behind a Cast). */
function isRopeTable(model: Model, node: Node, tensor: string): boolean {
  if (node.opType === 'Mul') return true;
  if (!CONVERSIONS.has(node.opType) || node.inputs[0] !== tensor) return false;
  const index = indexGraph(model.graph);
  return (index.consumers.get(node.outputs[0]) ?? []).some((u) => u.node.opType === 'Mul');
}

export const ropeTablesNotSliced: Fault = restoringFault(
  {
    id: 'rope-tables-not-sliced',
    bug:
      "head_dim is pruned in q and k (the pairs rotate_half or GPT-J's interleaving couple removed together), " +
      'but the RoPE cos/sin tables keep every column: the rotation multiplies the narrower heads by tables ' +
      'of the dense head size (LLM-Pruner / FLAP-style head_dim pruning that slices the projections only).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'no-silent-broadcast'],
    families: ['rope'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  (p) => (node, tensor) => isRopeTable(p.analysis.model, node, tensor),
);
