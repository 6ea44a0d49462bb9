/**
 * ONNX `Attention` (opset 23/24). Q, K, V are 3-D [B, S, heads·size] (then `q_num_heads` and
 * `kv_num_heads` say the head counts) or 4-D [B, heads, S, size]; the KV cache (`past_key`,
 * `past_value`, `present_*`) is always 4-D [B, kv_heads, T, size]. Query head i reads KV head
 * floor(i / n_rep): removing a KV head removes its n_rep query heads (one channel). Head size is
 * not prunable here: the default softmax scale is 1/sqrt(head size) and would change.
 */
import { attrInt, hasAttr, setAttrInt } from '../../ir/attrs.js';
import { dimOf, type OpRule, type RuleContext } from '../channel-rule.js';
import type { IndexMap } from '../index-map.js';
import { headLinks, type HeadLayout, type HeadPort } from './heads.js';
import {
  HEAD_DIM_CHOICE,
  headDimLinks,
  keepDenseScale,
  keptHeadsAndSize,
  type HeadDimLayout,
  type HeadDimPort,
} from './head-dim.js';

const Q = 0,
  K = 1,
  V = 2,
  MASK = 3,
  PAST_K = 4,
  PAST_V = 5;

/** Head counts and sizes, or why they are not static. */
export interface HeadDims {
  heads: number;
  kvHeads: number;
  size: number;
  vSize: number;
}

function onnxAttentionDims(ctx: RuleContext): HeadDims | string {
  const q = ctx.shape('in', Q);
  const k = ctx.shape('in', K);
  const v = ctx.shape('in', V);
  if (!q || !k || !v) return 'query, key or value rank unknown';
  if (q.length === 4) {
    const [heads, size, kvHeads, vSize] = [dimOf(ctx, 'in', Q, 1), q[3], dimOf(ctx, 'in', K, 1), v[3]];
    if (!heads || !kvHeads || typeof size !== 'number' || typeof vSize !== 'number')
      return 'head counts or sizes not static';
    return { heads, kvHeads, size, vSize };
  }
  if (q.length !== 3) return `query of rank ${q.length} (3 or 4 expected)`;
  const heads = attrInt(ctx.node, 'q_num_heads', 0);
  const kvHeads = attrInt(ctx.node, 'kv_num_heads', 0);
  const [qw, vw] = [dimOf(ctx, 'in', Q, 2), dimOf(ctx, 'in', V, 2)];
  if (heads <= 0 || kvHeads <= 0) return '3-D inputs without q_num_heads/kv_num_heads';
  if (!qw || !vw || qw % heads || vw % kvHeads) return 'hidden sizes not static or not divisible by the head counts';
  return { heads, kvHeads, size: qw / heads, vSize: vw / kvHeads };
}

function layout(ctx: RuleContext): HeadLayout | string {
  const d = onnxAttentionDims(ctx);
  if (typeof d === 'string') return d;
  if (d.heads % d.kvHeads) return `q_num_heads ${d.heads} is not a multiple of kv_num_heads ${d.kvHeads}`;
  const nRep = d.heads / d.kvHeads;
  const fourD = ctx.shape('in', Q)!.length === 4;
  if (!fourD && d.vSize !== d.size)
    return `value head size ${d.vSize} differs from query head size ${d.size} (3-D heads cannot be paired)`;
  if (ctx.node.outputs[3]) return 'the qk_matmul_output output is not supported';
  // Canonical: the query's head axis (4-D) or its features (3-D); kv maps: q head i → kv head i / n_rep.
  const toKvHead: IndexMap = { kind: 'unblock', size: fourD ? nRep : d.size * nRep };
  const toKvFeature: IndexMap = fourD ? toKvHead : { kind: 'unblock', size: nRep };
  const headAxis = fourD ? 1 : 2;
  const ports: HeadPort[] = [
    { io: 'in', slot: K, axis: headAxis, map: toKvFeature, ...(fourD ? {} : { headSize: d.size }) },
    { io: 'in', slot: V, axis: headAxis, map: toKvFeature, ...(fourD ? {} : { headSize: d.size }) },
    { io: 'out', slot: 0, axis: headAxis, map: { kind: 'identity' }, ...(fourD ? {} : { headSize: d.size }) },
  ];
  for (const [io, slot] of [
    ['in', PAST_K],
    ['in', PAST_V],
    ['out', 1],
    ['out', 2],
  ] as const) {
    const has = io === 'in' ? ctx.has(slot) : !!ctx.node.outputs[slot];
    if (has) ports.push({ io, slot, axis: 1, map: toKvHead });
  }
  const mask = ctx.shape('in', MASK);
  if (ctx.has(MASK) && mask && mask.length === 4 && mask[1] !== 1)
    ports.push({
      io: 'in',
      slot: MASK,
      axis: 1,
      map: fourD ? { kind: 'identity' } : { kind: 'unblock', size: d.size },
    });
  // 3-D: a channel is a KV head's query features (n_rep heads): nothing else ties them when no cache
  // port carries KV heads (the 4-D form ties them through the inverse of the K/V head map).
  return {
    canonical: { io: 'in', slot: Q, axis: headAxis },
    unit: fourD ? 1 : d.size * nRep,
    headSize: d.size,
    ports,
  };
}

/**
 * head_dim of ONNX Attention: q and k with the key cache's last axis (one size, the default scale's);
 * v with the output and the value cache (the spec lets v's head size differ from q's).
 */
function headDimLayout(ctx: RuleContext): HeadDimLayout | string {
  const d = onnxAttentionDims(ctx);
  if (typeof d === 'string') return d;
  if (ctx.node.outputs[3]) return 'the qk_matmul_output output is not supported';
  const fourD = ctx.shape('in', Q)!.length === 4;
  const form = fourD ? ('dim' as const) : ('features' as const);
  const axis = fourD ? 3 : 2;
  const cache = (io: 'in' | 'out', slot: number): HeadDimPort[] =>
    (io === 'in' ? ctx.has(slot) : !!ctx.node.outputs[slot]) ? [{ io, slot, axis: 3, form: 'dim' }] : [];
  return {
    qk: {
      size: d.size,
      ports: [
        { io: 'in', slot: Q, axis, form },
        { io: 'in', slot: K, axis, form },
        ...cache('in', PAST_K),
        ...cache('out', 1),
      ],
    },
    v: {
      size: d.vSize,
      ports: [
        { io: 'in', slot: V, axis, form },
        { io: 'out', slot: 0, axis, form },
        ...cache('in', PAST_V),
        ...cache('out', 2),
      ],
    },
  };
}

export const onnxAttentionRule: OpRule = {
  links: (ctx, port) =>
    ctx.choice === HEAD_DIM_CHOICE ? headDimLinks(port, headDimLayout(ctx), 'Attention') : headLinks(port, layout(ctx)),
  rewrite(ctx) {
    const d = onnxAttentionDims(ctx);
    if (typeof d === 'string') return;
    const fourD = ctx.shape('in', Q)!.length === 4;
    if (fourD) {
      const [q, k] = [ctx.changes('in', Q).get(1), ctx.changes('in', K).get(1)];
      if (q && hasAttr(ctx.node, 'q_num_heads')) setAttrInt(ctx.node, 'q_num_heads', q.keep.length);
      if (k && hasAttr(ctx.node, 'kv_num_heads')) setAttrInt(ctx.node, 'kv_num_heads', k.keep.length);
      keepDenseScale(ctx.node, d.size, ctx.changes('in', Q).get(3)?.keep.length ?? d.size);
      return;
    }
    // 3-D: features are heads × head_dim, either or both pruned; the head counts are what is kept.
    const [q, k] = [ctx.changes('in', Q).get(2), ctx.changes('in', K).get(2)];
    if (q) setAttrInt(ctx.node, 'q_num_heads', keptHeadsAndSize(q.keep, d.size).heads);
    if (k) setAttrInt(ctx.node, 'kv_num_heads', keptHeadsAndSize(k.keep, d.size).heads);
    if (q) keepDenseScale(ctx.node, d.size, keptHeadsAndSize(q.keep, d.size).size);
  },
};
