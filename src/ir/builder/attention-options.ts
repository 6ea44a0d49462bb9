/** How the builder lays out an attention block (shared by every attention layout's builder). */
import type { Value } from './core.js';
import type { RopeStyle } from './rope.js';

/** Options of `attention()`: heads, projection layout, masks, scaling. */
export interface AttentionOptions {
  heads: number;
  /** Embedding size E; must equal the last dim of the input. */
  embed: number;
  /** Key/value heads (default: heads). Fewer than heads = grouped-query attention. */
  kvHeads?: number;
  /**
   * 'einsum': per-head kernels [E, H, hd] and Einsum scores. 'fused-qkv-heads': ViT/timm's
   * qkv(x).reshape(B, T, 3, H, hd).permute(2, 0, 3, 1, 4).unbind(0). 'fused-qkv-per-head':
   * GPT-NeoX's qkv(x).view(B, T, H, 3·hd) split into q, k, v along the last axis. Neither has GQA.
   */
  projection?: 'separate' | 'fused-in-proj' | 'fused-qkv-split' | 'einsum' | 'fused-qkv-heads' | 'fused-qkv-per-head';
  /** Add an additive causal mask [T, T]: a constant for a concrete T, else sliced from a [maxSeq, maxSeq] buffer. */
  causalMask?: boolean;
  /** Size of the causal mask buffer (needed when the sequence length is symbolic). */
  maxSeq?: number;
  /**
   * An additive bias made in the graph by `torch.zeros_like(scores)` / `full_like`:
   * ConstantOfShape(Shape(scores)) added to the scores (its shape follows the scores' heads).
   */
  fullLikeMask?: boolean;
  /** Additive mask broadcast onto the scores [B, H, T, T] (e.g. [B, 1, 1, T]). */
  mask?: Value;
  /** Reshape targets from Shape/Gather/Unsqueeze/Concat instead of constants (default false). */
  dynamicReshape?: boolean;
  /** Scale scores by Div(sqrt(hd)) (default) or Mul(1/sqrt(hd)), or not at all (T5; or folded into W_q). */
  scale?: 'div' | 'mul' | 'none';
  /** How K/V heads are repeated for GQA (default 'expand'). */
  repeatKv?: 'expand' | 'tile';
  /**
   * A KV cache as HF/torch exports it: graph inputs `past_key_<name>`/`past_value_<name>` (kvH heads,
   * `past` positions) concatenated before the new keys/values along the sequence axis, the results
   * graph outputs `present_key_<name>`/`present_value_<name>`. Needs no mask (the scores cover
   * past + T keys).
   */
  kvCache?: boolean;
  /** Rotary position embedding on q and k after the head split (default none; needs an even head size). */
  rope?: RopeStyle;
  /** Projection biases (default true). */
  bias?: boolean;
  name?: string;
}
