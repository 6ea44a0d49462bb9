/**
 * Random transformer stacks on a float input [batch, seq, E]: per-head Einsum
 * (Keras/Flax), separate, fused in_proj, fused QKV+Split, ViT's fused qkv
 * reshaped to [B, T, 3, H, hd] and GPT-NeoX's [B, T, H, 3·hd] projections,
 * grouped-query attention, pre- and post-norm, FFN, and masks that broadcast on
 * purpose. The smallest graph (what shrinking reaches) is one unscaled Einsum
 * attention without biases read out as the sequence: 8 nodes.
 */
import fc from 'fast-check';
import { exportFormFields, type ExportForm } from './export-form.js';
import { GraphBuilder } from '../ir/builder/index.js';
import type { Model } from '../ir/types.js';

export interface AttentionLayer {
  /** 'attention': the attention op alone (smallest); 'transformer': with norms, residuals and FFN. */
  block: 'attention' | 'transformer';
  bias: boolean;
  projection: 'einsum' | 'separate' | 'fused-in-proj' | 'fused-qkv-split' | 'fused-qkv-heads' | 'fused-qkv-per-head';
  /** 'none': unscaled scores (T5, or 1/sqrt(hd) folded into W_q). */
  scale: 'none' | 'div' | 'mul';
  /**
   * Grouped-query attention: K/V heads are half the Q heads (when the head count is even; not with the fused per-head
   * layouts).
   */
  gqa: boolean;
  norm: 'pre' | 'post';
  normKind: 'layer' | 'layer-decomposed' | 'rms';
  ffnHidden: number;
  dynamicReshape: boolean;
}

export interface AttentionRecipe extends ExportForm {
  family: 'attention';
  opset: number;
  heads: number;
  headSize: number;
  layers: AttentionLayer[];
  /**
   * 'padding': an additive [batch, 1, 1, seq] key mask input, broadcast over heads and queries;
   * 'full-like': a zeros_like(scores) bias made in the graph (ConstantOfShape(Shape(scores))).
   */
  mask: 'none' | 'padding' | 'full-like' | 'causal';
  /** Every layer reads a KV cache (past_key/past_value inputs, present outputs); no mask then. */
  kvCache: boolean;
  /** 'sequence': the last block's [B, T, E] is the output; 'classifier': mean over T, then a Gemm. */
  readout: 'sequence' | 'classifier';
  seq: number | 'seq';
  classes: number;
  seed: number;
}

const layer: fc.Arbitrary<AttentionLayer> = fc.record({
  block: fc.constantFrom<AttentionLayer['block']>('attention', 'transformer'),
  bias: fc.boolean(),
  // Simplest first: fast-check shrinks towards the first choice.
  projection: fc.constantFrom<AttentionLayer['projection']>(
    'einsum',
    'fused-qkv-split',
    'fused-in-proj',
    'separate',
    'fused-qkv-heads',
    'fused-qkv-per-head',
  ),
  scale: fc.constantFrom<AttentionLayer['scale']>('none', 'div', 'mul'),
  gqa: fc.boolean(),
  norm: fc.constantFrom<'pre' | 'post'>('pre', 'post'),
  normKind: fc.constantFrom<AttentionLayer['normKind']>('layer', 'rms', 'layer-decomposed'),
  ffnHidden: fc.integer({ min: 2, max: 12 }),
  dynamicReshape: fc.boolean(),
});

/**
 * Transformer-stack recipes (see the file comment). `kvCache`: every recipe reads a KV cache. Off by default (the
 * 'kv-cache' family turns it on): the executed invariants feed a pruned model the dense model's cache sizes, which a
 * pruned cache no longer has (prune --verify slices them; src/invariants/executed.ts does not yet).
 */
export function attentionRecipe(c: { maxLayers?: number; kvCache?: boolean } = {}): fc.Arbitrary<AttentionRecipe> {
  return (
    fc
      .record({
        family: fc.constant('attention' as const),
        opset: fc.constantFrom(17, 14, 18),
        heads: fc.integer({ min: 1, max: 4 }),
        headSize: fc.integer({ min: 1, max: 4 }),
        layers: fc.array(layer, { minLength: 1, maxLength: c.maxLayers ?? 2 }),
        mask: fc.constantFrom<AttentionRecipe['mask']>('none', 'padding', 'full-like', 'causal'),
        kvCache: fc.constant(c.kvCache ?? false),
        readout: fc.constantFrom<AttentionRecipe['readout']>('sequence', 'classifier'),
        seq: fc.constantFrom<number | 'seq'>('seq', 5),
        classes: fc.integer({ min: 2, max: 3 }),
        ...exportFormFields,
        seed: fc.nat({ max: 1000 }),
      })
      // A causal mask is a constant [T, T]: it needs a concrete sequence length. With a KV cache the
      // scores cover past + T keys, which neither mask has.
      .map((r) => (r.kvCache && r.mask !== 'full-like' ? { ...r, mask: 'none' as const } : r))
      .map((r) => (r.mask === 'causal' ? { ...r, seq: 5 } : r))
  );
}

/** The transformer model an attentionRecipe describes (deterministic weights). */
export function buildAttention(r: AttentionRecipe): Model {
  const b = new GraphBuilder({ name: 'attention', opset: r.opset, seed: r.seed, constants: r.constants });
  const heads = r.heads;
  const embed = heads * r.headSize;
  let x = b.input('x', 'float32', ['batch', r.seq, embed]);
  const mask = r.mask === 'padding' ? b.input('mask', 'float32', ['batch', 1, 1, r.seq]) : undefined;
  for (const l of r.layers) {
    const fusedPerHead = l.projection === 'fused-qkv-heads' || l.projection === 'fused-qkv-per-head';
    const kv = l.gqa && heads % 2 === 0 && !fusedPerHead ? heads / 2 : heads;
    const attn = {
      heads,
      kvHeads: kv,
      projection: l.projection,
      scale: l.scale,
      bias: l.bias,
      dynamicReshape: l.dynamicReshape,
      causalMask: r.mask === 'causal',
      kvCache: r.kvCache ?? false,
      fullLikeMask: r.mask === 'full-like',
      ...(mask ? { mask } : {}),
    };
    x =
      l.block === 'attention'
        ? b.attention(x, { ...attn, embed })
        : b.transformerBlock(x, { ...attn, norm: l.norm, normKind: l.normKind, hidden: l.ffnHidden });
  }
  if (r.readout === 'sequence') {
    b.output(x, 'hidden');
    return b.build();
  }
  const pooled = b.reduceMean(x, { axes: [1], keepdims: false });
  b.output(b.gemm(pooled, r.classes, { name: 'classifier' }), 'logits');
  return b.build();
}
