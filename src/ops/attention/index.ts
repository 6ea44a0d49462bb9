/**
 * Fused attention and rotary embedding: heads are the channels (a KV head with its query heads
 * under grouped-query attention), head counts rewritten; head size blocked. Default domain
 * (opset-23 `Attention`, `RotaryEmbedding`) and onnxruntime's `com.microsoft` ops.
 */
import { family, positionsExcept } from '../def.js';
import { groupQueryAttentionRule, multiHeadAttentionRule, packedAttentionRule } from './contrib-attention.js';
import { onnxAttentionRule } from './onnx-attention.js';
import { contribRotaryRule, onnxRotaryRule } from './rotary.js';
import { attentionShapes, contribAttentionShapes } from './shape.js';

/** cos/sin caches at `cos` and `cos + 1`. */
const ropeTables = (cos: number) => {
  const what = 'RoPE cos/sin table: one per head size, shared by every head, so it carries no channels';
  return { [cos]: what, [cos + 1]: what };
};

export const attentionOps = family(attentionShapes, {
  Attention: { channels: onnxAttentionRule, kvCache: { inputs: [4, 5], outputs: [1, 2] } },
  RotaryEmbedding: { channels: onnxRotaryRule, fixedInputs: ropeTables(1) },
});

export const contribAttentionOps = family(contribAttentionShapes, {
  Attention: {
    channels: packedAttentionRule,
    // The packed QKV weight [in, q | k | v] sums over its rows; its columns create the heads.
    weights: () => [{ slot: 1, reductionAxis: (rank) => (rank === 2 ? 0 : undefined) }],
    seeds: (_node, view) => (view.stored(1) && view.output?.length === 3 ? [2] : []),
    positions: (_node, _slot, output) => positionsExcept(output, [output.length - 1]),
    kvCache: { inputs: [4], outputs: [1] },
  },
  MultiHeadAttention: { channels: multiHeadAttentionRule, kvCache: { inputs: [6, 7], outputs: [1, 2] } },
  GroupQueryAttention: {
    channels: groupQueryAttentionRule,
    kvCache: { inputs: [3, 4], outputs: [1, 2] },
    fixedInputs: ropeTables(7),
  },
  RotaryEmbedding: { channels: contribRotaryRule, fixedInputs: ropeTables(2) },
});
