/**
 * Self-attention with per-head Einsum projections, as Keras' MultiHeadAttention
 * and Flax's DenseGeneral write it: q/k/v = 'bte,ehd->bthd' with kernels
 * [E, H, hd] (no reshape splits heads), scores 'bqhd,bkhd->bhqk', context
 * 'bhqk,bkhd->bqhd'; grouped-query K/V kernels [E, kvH, hd] are repeated to H
 * heads. Heads are merged by a Reshape [B, T, E] and projected by a
 * MatMul, as hand-written PyTorch modules that use torch.einsum do.
 */
import type { BuilderCore, Value } from './core.js';
import type { AttentionOptions } from './attention-options.js';
import { attentionProbs, type AttentionDims } from './attention-probs.js';
import { einsum, einsumDense } from './einsum.js';
import { linear } from './linear.js';
import { withCache } from './kv-cache.js';
import { applyRope, ropeTables } from './rope.js';
import { repeatKvHeads } from './repeat-kv.js';
import { reshape } from './reshape.js';

export function einsumAttention(b: BuilderCore, x: Value, o: AttentionOptions, d: AttentionDims): Value {
  const bias = o.bias ?? true;
  return b.scoped(d.name, () => {
    const project = (tag: string, heads: number) =>
      einsumDense(b, x, 'bte,ehd->bthd', [d.e, heads, d.hd], { bias, name: `${tag}_proj` });
    let q = project('q', d.heads);
    let k = project('k', d.kvHeads),
      v = project('v', d.kvHeads);
    if (o.rope) {
      const tables = ropeTables(b, d.name, x, { hd: d.hd, style: o.rope, headsBeforeSeq: false });
      q = applyRope(b, q, tables, 'q');
      k = applyRope(b, k, tables, 'k');
    }
    if (o.kvCache) {
      k = withCache(b, k, { layer: d.name, tag: 'key', seqAxis: 1 });
      v = withCache(b, v, { layer: d.name, tag: 'value', seqAxis: 1 });
    }
    if (d.kvHeads !== d.heads) {
      const r = {
        headAxis: 2 as const,
        heads: d.heads,
        hd: d.hd,
        tile: o.repeatKv === 'tile',
        dynamic: o.dynamicReshape ?? false,
      };
      k = repeatKvHeads(b, k, { ...r, tag: 'k' });
      v = repeatKvHeads(b, v, { ...r, tag: 'v' });
    }
    const probs = attentionProbs(b, x, einsum(b, [q, k], 'bqhd,bkhd->bhqk', { name: 'einsum_qk' }), o, d);
    const ctx = einsum(b, [probs, v], 'bhqk,bkhd->bqhd', { name: 'einsum_av' }); // [B, T, H, hd]
    const flat = reshape(b, ctx, [{ axis: 0 }, { axis: 1 }, d.e], {
      dynamic: o.dynamicReshape ?? false,
      name: 'reshape_out',
    });
    return linear(b, flat, d.e, { name: 'out_proj', bias });
  });
}
