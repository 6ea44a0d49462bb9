/**
 * A Llama-shaped decoder built with the graph builder, random weights (never committed): token
 * embedding, `layers` pre-norm blocks of RMSNorm → grouped-query attention (no biases, causal mask)
 * and RMSNorm → gated SiLU MLP (gate/up/down projections), a final RMSNorm and an untied LM head.
 * No rotary embedding: the pruning dependencies it adds (head_dim pairs) are not what this run
 * measures. The default is TinyLlama-1.1B's shape (d2048, 22 layers, 32 query / 4 KV heads, MLP
 * 5632, 32000 tokens): 1.1 B parameters, 4.4 GB of float32, so it is saved with external data.
 */
import type { Value } from '../dist/ir/builder/index.js';
import { GraphBuilder } from '../dist/ir/builder/index.js';
import type { Model } from '../dist/ir/types.js';

export interface DecoderShape {
  layers: number;
  embed: number;
  heads: number;
  kvHeads: number;
  hidden: number;
  vocab: number;
}

/** TinyLlama-1.1B's dimensions. */
export const LLAMA_1B: DecoderShape = { layers: 22, embed: 2048, heads: 32, kvHeads: 4, hidden: 5632, vocab: 32000 };

/** Parameters of the decoder (every initializer element but the causal-mask buffers). */
export function decoderParameters(s: DecoderShape): number {
  const head = s.embed / s.heads;
  const attn = 2 * s.embed * s.embed + 2 * s.embed * s.kvHeads * head;
  const block = attn + 3 * s.embed * s.hidden + 2 * s.embed;
  return s.layers * block + 2 * s.vocab * s.embed + s.embed;
}

export function llamaDecoder(s: DecoderShape): Model {
  const b = new GraphBuilder({ seed: 11, opset: 17 });
  const ids = b.input('input_ids', 'int64', ['batch', 'seq']);
  let h: Value = b.embedding(ids, s.vocab, s.embed, { name: 'embed_tokens' });
  for (let i = 0; i < s.layers; i++) {
    const name = `layers.${i}`;
    const attn = b.attention(b.rmsNorm(h, { name: `${name}.input_layernorm` }), {
      heads: s.heads,
      kvHeads: s.kvHeads,
      embed: s.embed,
      bias: false,
      causalMask: true,
      maxSeq: 64,
      name: `${name}.self_attn`,
    });
    h = b.add(h, attn, { name: `${name}.residual1` });
    const x = b.rmsNorm(h, { name: `${name}.post_attention_layernorm` });
    const gate = b.linear(x, s.hidden, { bias: false, name: `${name}.mlp.gate_proj` });
    const up = b.linear(x, s.hidden, { bias: false, name: `${name}.mlp.up_proj` });
    const silu = b.mul(gate, b.sigmoid(gate, { name: `${name}.mlp.sigmoid` }), { name: `${name}.mlp.silu` });
    const down = b.linear(b.mul(silu, up, { name: `${name}.mlp.gated` }), s.embed, {
      bias: false,
      name: `${name}.mlp.down_proj`,
    });
    h = b.add(h, down, { name: `${name}.residual2` });
  }
  const logits = b.linear(b.rmsNorm(h, { name: 'norm' }), s.vocab, { bias: false, name: 'lm_head' });
  b.output(logits, 'logits');
  return b.build();
}
