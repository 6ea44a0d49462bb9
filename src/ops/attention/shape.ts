/**
 * Shapes of the fused attention and RoPE ops. Activations keep the query's layout; KV caches are
 * [B, kv_heads, past + new, size] (onnxruntime's packed `Attention` cache: [2, B, heads, T, size]).
 * Head counts come from the attributes for 3-D inputs, from the head axis for 4-D ones.
 */
import { attrInt, attrInts } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { addDims, divDims, formatShape, mulDims } from '../../shape/dims.js';
import { sameAs, typed } from '../shape-util.js';

/** Sequence length after appending `fresh` positions to the past at input `pastSlot` (axis 2). */
function total(ctx: OpContext, pastSlot: number, fresh: Dim): Dim {
  const past = ctx.has(pastSlot) ? ctx.shape(pastSlot)?.[2] : 0;
  return past === undefined ? null : addDims(past, fresh);
}

/** ONNX Attention: Y, present_key, present_value, qk_matmul_output. */
const onnxAttention: OpRule = (ctx) => {
  const [q, k, v] = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
  const dtype = ctx.dtype(0);
  if (!q || !k || !v) return ctx.node.outputs.map(() => unknown(missingReason(ctx, !q ? 0 : !k ? 1 : 2), dtype));
  if (q.length !== k.length || q.length !== v.length || (q.length !== 3 && q.length !== 4)) {
    ctx.problem('attention-rank', `Attention needs Q, K, V all 3-D or all 4-D, got ${formatShape(q)}`);
    return ctx.node.outputs.map(() => unknown('Attention input ranks', dtype));
  }
  const fourD = q.length === 4;
  const heads: Dim = fourD ? q[1] : attrInt(ctx.node, 'q_num_heads', 0) || null;
  const kvHeads: Dim = fourD ? k[1] : attrInt(ctx.node, 'kv_num_heads', 0) || null;
  const [seq, kvSeq] = fourD ? [q[2], k[2]] : [q[1], k[1]];
  const size = fourD ? k[3] : heads === null ? null : divDims(q[2], heads);
  const vSize = fourD ? v[3] : kvHeads === null ? null : divDims(v[2], kvHeads);
  const y = fourD ? [q[0], heads, seq, vSize] : [q[0], seq, heads === null ? null : mulDims(heads, vSize)];
  const t = total(ctx, 4, kvSeq);
  return [
    typed(y, dtype),
    typed([q[0], kvHeads, t, size], dtype),
    typed([q[0], kvHeads, t, vSize], dtype),
    typed([q[0], heads, seq, t], dtype),
  ];
};

/** com.microsoft MultiHeadAttention: output, present_key, present_value, qk. */
const multiHeadAttention: OpRule = (ctx) => {
  const [q, k, v] = [ctx.shape(0), ctx.shape(1), ctx.shape(2)];
  const dtype = ctx.dtype(0);
  if (q?.length !== 3) return ctx.node.outputs.map(() => unknown(missingReason(ctx, 0), dtype));
  const heads = attrInt(ctx.node, 'num_heads', 0);
  const size = divDims(q[2], heads);
  const vWidth = v?.length === 3 ? v[2] : v?.length === 4 ? mulDims(v[1], v[3]) : q[2];
  const kvSeq = k?.length === 3 ? k[1] : k?.length === 4 ? k[2] : q[1];
  const t = total(ctx, 6, kvSeq);
  return [
    typed([q[0], q[1], vWidth], dtype),
    typed([q[0], heads, t, size], dtype),
    typed([q[0], heads, t, divDims(vWidth, heads)], dtype),
    typed([q[0], heads, q[1], t], dtype),
  ];
};

/** com.microsoft GroupQueryAttention: output, present_key, present_value, output_qk. */
const groupQueryAttention: OpRule = (ctx) => {
  const q = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (q?.length !== 3) return ctx.node.outputs.map(() => unknown(missingReason(ctx, 0), dtype));
  const heads = attrInt(ctx.node, 'num_heads', 0);
  const kvHeads = attrInt(ctx.node, 'kv_num_heads', 0);
  // Packed QKV: [B, S, (heads + 2·kv_heads)·size].
  const size = ctx.has(1) ? divDims(q[2], heads) : divDims(q[2], heads + 2 * kvHeads);
  // total_sequence_length when folded (usually Shape(past)[2] + S), else past + S.
  const given = ctx.value(6)?.values[0];
  const t = given ?? total(ctx, 3, q[1]);
  return [
    typed([q[0], q[1], mulDims(heads, size)], dtype),
    typed([q[0], kvHeads, t, size], dtype),
    typed([q[0], kvHeads, t, size], dtype),
    typed([q[0], heads, q[1], t], dtype),
  ];
};

/** com.microsoft Attention (packed projection): output, present [2, B, heads, T, size]. */
const packedAttention: OpRule = (ctx) => {
  const [x, w] = [ctx.shape(0), ctx.shape(1)];
  const dtype = ctx.dtype(0);
  if (!x || !w || x.length !== 3 || w.length !== 2)
    return ctx.node.outputs.map(() => unknown(missingReason(ctx, !x ? 0 : 1), dtype));
  if (w[0] !== x[2] && typeof w[0] === 'number' && typeof x[2] === 'number')
    ctx.problem('attention-weight', `Attention weight ${formatShape(w)} does not take input width ${x[2]}`);
  const sizes = attrInts(ctx.node, 'qkv_hidden_sizes');
  const heads = attrInt(ctx.node, 'num_heads', 0);
  const vWidth: Dim = sizes ? sizes[2] : divDims(w[1], 3);
  const past = ctx.has(4) ? ctx.shape(4)?.[3] : 0;
  const t = past === undefined ? null : addDims(past, x[1]);
  return [typed([x[0], x[1], vWidth], dtype), typed([2, x[0], heads, t, divDims(vWidth, heads)], dtype)];
};

const rotary: OpRule = (ctx) => [sameAs(ctx, 0)];

export const attentionShapes = {
  Attention: onnxAttention,
  RotaryEmbedding: rotary,
};

export const contribAttentionShapes = {
  Attention: packedAttention,
  MultiHeadAttention: multiHeadAttention,
  GroupQueryAttention: groupQueryAttention,
  RotaryEmbedding: rotary,
};
