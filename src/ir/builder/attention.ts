/**
 * Multi-head (and grouped-query) self-attention on [B, T, E] in the layouts
 * exporters produce: separate q/k/v projections, nn.MultiheadAttention's fused
 * in_proj (one MatMul to E + 2·kvE, then Slice ×3), one MatMul then Split, ViT's
 * fused qkv reshaped to [B, T, 3, H, hd] and unbound, or per-head Einsum
 * projections (Keras/Flax, attention-einsum.ts).
 */
import type { BuilderCore, Value } from './core.js';
import { concrete, fail, fmtShape, positiveInt, requireRank } from './dims.js';
import { linear, matmul } from './linear.js';
import { reshape } from './reshape.js';
import { slice, split, squeeze, transpose } from './shape-ops.js';
import { repeatKvHeads } from './repeat-kv.js';
import type { AttentionOptions } from './attention-options.js';
import { einsumAttention } from './attention-einsum.js';
import { attentionProbs } from './attention-probs.js';
import { withCache } from './kv-cache.js';
import { applyRope, ropeTables } from './rope.js';

export type { AttentionOptions } from './attention-options.js';

export function attention(b: BuilderCore, x: Value, o: AttentionOptions): Value {
  const name = b.nodeName('attn', o.name);
  const what = `attention ${name}`;
  requireRank(`${what}: input ${x.name} (expected [B, T, E])`, x.shape, 3);
  const e = concrete(`${what}: embed dim of ${x.name}`, x.shape, 2);
  const heads = positiveInt(`${what}: heads`, o.heads);
  const kvHeads = positiveInt(`${what}: kvHeads`, o.kvHeads ?? heads);
  if (o.embed !== e) fail(`${what}: embed ${o.embed} does not match last dim of ${x.name}${fmtShape(x.shape)}`);
  if (e % heads !== 0) fail(`${what}: heads ${heads} must divide embed ${e}`);
  if (heads % kvHeads !== 0) fail(`${what}: kvHeads ${kvHeads} must divide heads ${heads}`);
  const hd = e / heads;
  if (o.projection === 'einsum') return einsumAttention(b, x, o, { name, e, heads, kvHeads, hd });
  if ((o.projection === 'fused-qkv-heads' || o.projection === 'fused-qkv-per-head') && kvHeads !== heads)
    fail(`${what}: the ${o.projection} layout has no grouped-query form`);
  const kvE = kvHeads * hd;
  const dyn = { dynamic: o.dynamicReshape ?? false };
  const bias = o.bias ?? true;

  return b.scoped(name, () => {
    const heads4 = (t: Value, h: number, tag: string) =>
      transpose(b, reshape(b, t, [{ axis: 0 }, { axis: 1 }, h, hd], { ...dyn, name: `reshape_${tag}` }), [0, 2, 1, 3], {
        name: `transpose_${tag}`,
      });
    let qh: Value, kh: Value, vh: Value; // [B, H, T, hd]; K/V with kvH heads until repeated
    if (o.projection === 'fused-qkv-heads') {
      const qkv = linear(b, x, 3 * e, { name: 'qkv', bias });
      const parts = reshape(b, qkv, [{ axis: 0 }, { axis: 1 }, 3, heads, hd], { ...dyn, name: 'reshape_qkv' });
      const permuted = transpose(b, parts, [2, 0, 3, 1, 4], { name: 'permute_qkv' }); // [3, B, H, T, hd]
      [qh, kh, vh] = split(b, permuted, { axis: 0, sizes: [1, 1, 1], name: 'unbind' }).map((t, i) =>
        squeeze(b, t, [0], { name: `squeeze_${'qkv'[i]}` }),
      );
    } else if (o.projection === 'fused-qkv-per-head') {
      const qkv = linear(b, x, 3 * e, { name: 'qkv', bias });
      // [B, T, H, 3·hd]
      const perHead = reshape(b, qkv, [{ axis: 0 }, { axis: 1 }, heads, 3 * hd], { ...dyn, name: 'reshape_qkv' });
      [qh, kh, vh] = split(b, perHead, { axis: -1, sizes: [hd, hd, hd], name: 'split_qkv' }).map((t, i) =>
        transpose(b, t, [0, 2, 1, 3], { name: `transpose_${'qkv'[i]}` }),
      );
    } else {
      let q: Value, k: Value, v: Value;
      if ((o.projection ?? 'separate') === 'separate') {
        q = linear(b, x, e, { name: 'q_proj', bias });
        k = linear(b, x, kvE, { name: 'k_proj', bias });
        v = linear(b, x, kvE, { name: 'v_proj', bias });
      } else {
        const qkv = linear(b, x, e + 2 * kvE, { name: 'in_proj', bias });
        if (o.projection === 'fused-qkv-split') {
          [q, k, v] = split(b, qkv, { axis: -1, sizes: [e, kvE, kvE], name: 'split_qkv' });
        } else {
          q = slice(b, qkv, { starts: [0], ends: [e], axes: [-1], name: 'slice_q' });
          k = slice(b, qkv, { starts: [e], ends: [e + kvE], axes: [-1], name: 'slice_k' });
          v = slice(b, qkv, { starts: [e + kvE], ends: [e + 2 * kvE], axes: [-1], name: 'slice_v' });
        }
      }
      qh = heads4(q, heads, 'q');
      kh = heads4(k, kvHeads, 'k');
      vh = heads4(v, kvHeads, 'v');
    }
    if (o.rope) {
      const tables = ropeTables(b, name, x, { hd, style: o.rope, headsBeforeSeq: true });
      qh = applyRope(b, qh, tables, 'q');
      kh = applyRope(b, kh, tables, 'k');
    }
    if (o.kvCache) {
      kh = withCache(b, kh, { layer: name, tag: 'key', seqAxis: 2 });
      vh = withCache(b, vh, { layer: name, tag: 'value', seqAxis: 2 });
    }
    if (kvHeads !== heads) {
      const r = { headAxis: 1 as const, heads, hd, tile: o.repeatKv === 'tile', dynamic: dyn.dynamic };
      kh = repeatKvHeads(b, kh, { ...r, tag: 'k' });
      vh = repeatKvHeads(b, vh, { ...r, tag: 'v' });
    }
    const kt = transpose(b, kh, [0, 1, 3, 2], { name: 'transpose_kt' }); // [B, H, hd, T]
    const probs = attentionProbs(b, x, matmul(b, qh, kt, { name: 'matmul_qk' }), o, { name, e, heads, kvHeads, hd });
    const ctx = matmul(b, probs, vh, { name: 'matmul_av' }); // [B, H, T, hd]
    const merged = transpose(b, ctx, [0, 2, 1, 3], { name: 'transpose_out' });
    const flat = reshape(b, merged, [{ axis: 0 }, { axis: 1 }, e], { ...dyn, name: 'reshape_out' });
    return linear(b, flat, e, { name: 'out_proj', bias });
  });
}
