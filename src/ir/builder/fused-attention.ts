/**
 * Self-attention through one fused op, as optimisers and exporters leave it: q/k/v projections to
 * 3-D [B, T, heads·hd], then onnxruntime's `com.microsoft` `MultiHeadAttention` (num_heads) or
 * `GroupQueryAttention` (num_heads over kv_num_heads, causal, seqlens_k/total_sequence_length made
 * from the runtime shapes), or opset-23 `Attention` (q_num_heads, kv_num_heads), then the output
 * projection. Optional: a KV cache (past/present graph values of the op's cache slots), a stored
 * per-head additive bias [1, H, T, T] (needs a concrete sequence length and no cache), GQA's
 * per-head `head_sink` logits.
 */
import type { BuilderCore, Value } from './core.js';
import { concrete, fail, requireRank } from './dims.js';
import { binary } from './elementwise.js';
import { linear } from './linear.js';
import { gather, shapeOf, slice, unsqueeze } from './shape-ops.js';

/** Which fused op computes the attention. */
export type FusedAttentionOp = 'mha' | 'gqa' | 'attention23';

export interface FusedAttentionOptions {
  op: FusedAttentionOp;
  heads: number;
  /** KV heads (GQA and Attention only; MultiHeadAttention needs heads). */
  kvHeads: number;
  /** Projection biases. */
  bias: boolean;
  /** past_key_<name>/past_value_<name> inputs, present_* outputs, [B, kvH, past, hd]. */
  kvCache: boolean;
  /** A stored additive bias per query head [1, H, T, T]. */
  headBias: boolean;
  /** GroupQueryAttention's head_sink: one learned logit per query head. */
  sink: boolean;
  name?: string;
}

const OP: Record<FusedAttentionOp, { opType: string; domain: string }> = {
  mha: { opType: 'MultiHeadAttention', domain: 'com.microsoft' },
  gqa: { opType: 'GroupQueryAttention', domain: 'com.microsoft' },
  attention23: { opType: 'Attention', domain: '' },
};

/** A scalar int64 dim of `v` at runtime. */
function dimAt(b: BuilderCore, v: Value, axis: number, tag: string): Value {
  return gather(b, shapeOf(b, v, { name: `${tag}_shape` }), axis, { name: `${tag}_dim` });
}

function cast(b: BuilderCore, v: Value, to: 'int32', tag: string): Value {
  const name = b.nodeName('cast', tag);
  return b.node('Cast', [v], { name, outputs: [{ dtype: to, shape: v.shape }], attrs: { to: 6 } })[0];
}

/** GroupQueryAttention's seqlens_k [B] (total length − 1 per sequence) and total_sequence_length (scalar), int32. */
function gqaLengths(b: BuilderCore, x: Value, past: Value | undefined): [Value, Value] {
  let total = dimAt(b, x, 1, 'seq');
  if (past) total = binary(b, 'Add', total, dimAt(b, past, 2, 'past'), { name: 'total_len' });
  const last = binary(b, 'Sub', total, 1, { name: 'last_pos' });
  const batch = slice(b, shapeOf(b, x, { name: 'batch_shape' }), { starts: [0], ends: [1], name: 'batch' });
  const name = b.nodeName('expand', 'seqlens');
  const perSequence = b.node('Expand', [unsqueeze(b, last, [0], { name: 'last_pos_1d' }), batch], {
    name,
    outputs: [{ dtype: 'int64', shape: [x.shape[0]] }],
  })[0];
  return [cast(b, perSequence, 'int32', 'seqlens_k'), cast(b, total, 'int32', 'total_sequence_length')];
}

export function fusedAttention(b: BuilderCore, x: Value, o: FusedAttentionOptions): Value {
  const name = b.nodeName('attn', o.name);
  const what = `fused attention ${name}`;
  requireRank(`${what}: input ${x.name} (expected [B, T, E])`, x.shape, 3);
  const e = concrete(`${what}: embed dim of ${x.name}`, x.shape, 2);
  const kvHeads = o.op === 'mha' ? o.heads : o.kvHeads;
  if (e % o.heads || o.heads % kvHeads) fail(`${what}: heads ${o.heads}/${kvHeads} do not divide embed ${e}`);
  const t = x.shape[1];
  if (o.headBias && (typeof t !== 'number' || o.kvCache))
    fail(`${what}: a stored per-head bias needs a concrete sequence length and no cache`);
  if (o.sink && o.op !== 'gqa') fail(`${what}: head_sink is GroupQueryAttention's`);
  const hd = e / o.heads;
  return b.scoped(name, () => {
    const q = linear(b, x, e, { name: 'q_proj', bias: o.bias });
    const k = linear(b, x, kvHeads * hd, { name: 'k_proj', bias: o.bias });
    const v = linear(b, x, kvHeads * hd, { name: 'v_proj', bias: o.bias });
    const cacheShape = [x.shape[0], kvHeads, 'past', hd] as (number | string)[];
    const past = o.kvCache
      ? (['key', 'value'] as const).map((tag) => b.input(`past_${tag}_${name}`, x.dtype, cacheShape))
      : undefined;
    const bias =
      o.headBias && typeof t === 'number'
        ? b.weight(name, 'attention_bias', [1, o.heads, t, t], { uniform: [-1, 1] })
        : undefined;
    const sink = o.sink ? b.weight(name, 'head_sink', [o.heads], { uniform: [-1, 1] }) : undefined;
    const inputs: (Value | string)[] =
      o.op === 'mha'
        ? [q, k, v, '', '', bias ?? '', ...(past ?? [])]
        : o.op === 'attention23'
          ? [q, k, v, bias ?? '', ...(past ?? [])]
          : [q, k, v, ...(past ?? ['', '']), ...gqaLengths(b, x, past?.[0]), '', '', '', bias ?? '', sink ?? ''];
    while (inputs.at(-1) === '') inputs.pop();
    const attrs =
      o.op === 'mha'
        ? { num_heads: o.heads }
        : o.op === 'gqa'
          ? { num_heads: o.heads, kv_num_heads: kvHeads }
          : { q_num_heads: o.heads, kv_num_heads: kvHeads };
    // The names shape inference gives the total length (graph outputs are declared as inferred).
    const total = o.kvCache ? `past+${t}` : t;
    const presentShape = [x.shape[0], kvHeads, total, hd];
    const outputs = [
      { dtype: x.dtype, shape: [...x.shape] },
      ...(o.kvCache || o.op === 'gqa' ? [0, 1].map(() => ({ dtype: x.dtype, shape: presentShape })) : []),
    ];
    const [y, presentKey, presentValue] = b.node(OP[o.op].opType, inputs, {
      name: b.nodeName('fused', OP[o.op].opType),
      outputs,
      attrs,
      domain: OP[o.op].domain,
    });
    if (o.kvCache) {
      b.output(presentKey, `present_key_${name}`);
      b.output(presentValue, `present_value_${name}`);
    }
    return linear(b, y, e, { name: 'out_proj', bias: o.bias });
  });
}
