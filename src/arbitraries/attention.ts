/**
 * Random transformer stacks on a float input [batch, seq, E]: per-head Einsum
 * (Keras/Flax), separate, fused in_proj, fused QKV+Split, ViT's fused qkv
 * reshaped to [B, T, 3, H, hd] and GPT-NeoX's [B, T, H, 3·hd] projections,
 * grouped-query attention, pre- and post-norm, FFN, masks that broadcast on
 * purpose, RoPE (rotate_half, interleaved) and fused attention ops (MultiHeadAttention,
 * GroupQueryAttention, opset-23 Attention). The smallest graph (what shrinking reaches) is one unscaled Einsum
 * attention without biases read out as the sequence: 8 nodes.
 */
import fc from 'fast-check';
import { exportFormFields, type ExportForm } from './export-form.js';
import { GraphBuilder, type FusedAttentionOp, type RopeStyle } from '../ir/builder/index.js';
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
  /** Rotary embedding on q and k (decomposed layouts with an even head size). */
  rope: 'none' | RopeStyle;
  /** Fused ops: a stored per-head additive bias [1, H, T, T] (a concrete sequence, no cache). */
  headBias: boolean;
  /** GroupQueryAttention: per-head head_sink logits. */
  sink: boolean;
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
  /**
   * 'none': the decomposed layouts; else every layer is q/k/v projections into this fused op (projection
   * ignored). A fused op is smaller than the decomposed layouts, so a recipe never shrinks from one form
   * to another (no cross-shrinking); per recipe, not per layer, so a layer can shrink away when another
   * layer of the same form shows the same bug. 4 recipes in 7 are decomposed.
   */
  fused: 'none' | FusedAttentionOp;
  /** 'sequence': the last block's [B, T, E] is the output; 'classifier': mean over T, then a Gemm. */
  readout: 'sequence' | 'classifier';
  seq: number | 'seq';
  classes: number;
  seed: number;
}

const layerOf = (c: { rope?: boolean }): fc.Arbitrary<AttentionLayer> =>
  fc.record({
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
    rope: c.rope
      ? fc.constantFrom<AttentionLayer['rope']>('rotate-half', 'interleaved')
      : fc.constantFrom<AttentionLayer['rope']>('none', 'rotate-half', 'interleaved'),
    headBias: fc.boolean(),
    sink: fc.boolean(),
  });

/** What an attention family fixes: layers, a KV cache, fused ops only, RoPE on every decomposed layer. */
export interface AttentionConstraints {
  maxLayers?: number;
  /** Every recipe reads a KV cache (the 'kv-cache' family; off in 'attention' so its graphs stay small). */
  kvCache?: boolean;
  /** Every layer is a fused attention op (the 'fused' family). */
  fused?: boolean;
  /** Every layer applies RoPE, head size 6 or 8: q·k head_dim groups of at least 3 pairs (the 'rope' family). */
  rope?: boolean;
}

/** Transformer-stack recipes (see the file comment). */
export function attentionRecipe(c: AttentionConstraints = {}): fc.Arbitrary<AttentionRecipe> {
  return (
    fc
      .record({
        family: fc.constant('attention' as const),
        opset: fc.constantFrom(17, 14, 18),
        heads: fc.integer({ min: 1, max: 4 }),
        headSize: c.rope ? fc.constantFrom(6, 8) : fc.integer({ min: 1, max: 4 }),
        layers: fc.array(layerOf(c), { minLength: 1, maxLength: c.maxLayers ?? 2 }),
        mask: fc.constantFrom<AttentionRecipe['mask']>('none', 'padding', 'full-like', 'causal'),
        kvCache: fc.constant(c.kvCache ?? false),
        // One arbitrary per op, without cross-shrinking: no form is smaller than every other in both
        // nodes and parameters (MultiHeadAttention has no GQA, opset-23 Attention stores ReduceMean's axes).
        fused: c.rope
          ? fc.constant('none' as const)
          : fc.oneof(
              ...(c.fused ? [] : [{ arbitrary: fc.constant('none' as const), weight: 4 }]),
              ...(['attention23', 'mha', 'gqa'] as const).map((op) => ({ arbitrary: fc.constant(op), weight: 1 })),
            ),
        readout: fc.constantFrom<AttentionRecipe['readout']>('sequence', 'classifier'),
        seq: fc.constantFrom<number | 'seq'>('seq', 5),
        classes: fc.integer({ min: 2, max: 3 }),
        ...exportFormFields,
        seed: fc.nat({ max: 1000 }),
      })
      // A causal mask is a constant [T, T]: it needs a concrete sequence length. With a KV cache the
      // scores cover past + T keys, which neither mask has.
      .map((r) => (r.kvCache && r.mask !== 'full-like' ? { ...r, mask: 'none' as const } : r))
      // RoPE's cos/sin tables are stored [T, hd] (exporters fold cos_cached[:T] for a fixed T): they need T too.
      .map((r) => (r.mask === 'causal' || r.layers.some((l) => l.rope !== 'none') ? { ...r, seq: 5 } : r))
      // onnxruntime's CPU GroupQueryAttention needs a head size that is a multiple of 8.
      .map((r) => (r.fused === 'gqa' ? { ...r, headSize: 8 } : r))
      // A stored per-head bias [1, H, T, T] needs T (and no cache, whose keys are past + T).
      .map((r) =>
        r.fused !== 'none' && r.layers.some((l) => l.headBias)
          ? r.kvCache
            ? { ...r, layers: r.layers.map((l) => ({ ...l, headBias: false })) }
            : { ...r, seq: 5 }
          : r,
      )
  );
}

/** The transformer model an attentionRecipe describes (deterministic weights). */
export function buildAttention(r: AttentionRecipe): Model {
  // Opset-23 Attention: built at the builder's newest opset (22), raised after.
  const opset23 = r.fused === 'attention23';
  const b = new GraphBuilder({
    name: 'attention',
    opset: opset23 ? 22 : r.opset,
    seed: r.seed,
    constants: r.constants,
  });
  const heads = r.heads;
  const embed = heads * r.headSize;
  // onnxruntime's GroupQueryAttention reads a past context with several new positions for batch 1 only.
  const batch = r.kvCache && r.fused === 'gqa' ? 1 : 'batch';
  let x = b.input('x', 'float32', [batch, r.seq, embed]);
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
      ...(l.rope !== 'none' && r.headSize % 2 === 0 ? { rope: l.rope } : {}),
      ...(mask ? { mask } : {}),
    };
    if (r.fused !== 'none') {
      x = b.fusedAttention(x, {
        op: r.fused,
        heads,
        kvHeads: l.gqa && heads % 2 === 0 ? heads / 2 : heads,
        bias: l.bias,
        kvCache: r.kvCache,
        headBias: l.headBias,
        sink: l.sink && r.fused === 'gqa',
      });
      continue;
    }
    x =
      l.block === 'attention'
        ? b.attention(x, { ...attn, embed })
        : b.transformerBlock(x, { ...attn, norm: l.norm, normKind: l.normKind, hidden: l.ffnHidden });
  }
  if (r.readout === 'sequence') b.output(x, 'hidden');
  else b.output(b.gemm(b.reduceMean(x, { axes: [1], keepdims: false }), r.classes, { name: 'classifier' }), 'logits');
  const model = b.build();
  if (opset23) {
    model.opsetImports[0].version = 23;
    model.irVersion = Math.max(model.irVersion, 10);
  }
  return model;
}
