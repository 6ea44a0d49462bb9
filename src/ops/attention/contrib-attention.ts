/**
 * onnxruntime's `com.microsoft` attention ops, all with 3-D [B, S, heads·size] activations:
 *
 * - `MultiHeadAttention`: separate query, key, value (bias [q | k | v] optional), `num_heads`,
 *   past/present key and value [B, heads, T, size].
 * - `GroupQueryAttention`: `num_heads` query heads share `kv_num_heads` KV heads (query head i reads
 *   KV head floor(i / n_rep)); past/present [B, kv_heads, T, size]; cos/sin caches are per head
 *   size, shared by every head, so removing heads leaves them alone.
 * - `Attention`: the QKV projection is inside, a packed weight [in, q | k | v] and bias; the heads are
 *   created there (the weight's columns seed them); present/past [2, B, heads, T, size].
 *
 * Heads (a KV head with its query heads for GQA) are the channels; head size and packed QKV inputs
 * (one tensor with every head's q, k and v) are blocked with their reason.
 */
import { attrInt, attrInts, setAttrInt, setAttrInts } from '../../ir/attrs.js';
import { blocked, dimOf, identity, type OpRule, type RuleContext, type RuleResult } from '../channel-rule.js';
import { headLinks, thirds, type HeadLayout, type HeadPort } from './heads.js';
import {
  HEAD_DIM_CHOICE,
  headDimLinks,
  keepDenseScale,
  keptHeadsAndSize,
  type HeadDimLayout,
  type HeadDimPort,
} from './head-dim.js';

/** Query width and head size from `num_heads`, or why not. */
function querySize(ctx: RuleContext, slot: number, axis: number): { width: number; size: number } | string {
  const heads = attrInt(ctx.node, 'num_heads', 0);
  const width = dimOf(ctx, 'in', slot, axis);
  if (ctx.shape('in', slot)?.length !== 3) return `input ${slot} is not 3-D [batch, sequence, hidden]`;
  if (heads <= 0 || !width || width % heads) return `hidden size ${width ?? '?'} not divisible by num_heads ${heads}`;
  return { width, size: width / heads };
}

/** A port of a cache value [B, heads, T, size] (or of the per-head attention bias) if the node has it. */
function optional(ctx: RuleContext, io: 'in' | 'out', slot: number, axis: number, map: HeadPort['map']): HeadPort[] {
  const has = io === 'in' ? ctx.has(slot) : !!ctx.node.outputs[slot];
  if (!has) return [];
  if (io === 'in' && slot > 2 && ctx.shape('in', slot)?.[axis] === 1) return [];
  return [{ io, slot, axis, map }];
}

function mhaLayout(ctx: RuleContext): HeadLayout | string {
  const q = querySize(ctx, 0, 2);
  if (typeof q === 'string') return q;
  if (!ctx.has(1) || !ctx.has(2)) return 'packed QKV input (key and value absent) is not supported';
  if (ctx.shape('in', 1)?.length !== 3 || ctx.shape('in', 2)?.length !== 3)
    return 'key/value in BNSH (4-D) form are not supported';
  const [kw, vw] = [dimOf(ctx, 'in', 1, 2), dimOf(ctx, 'in', 2, 2)];
  if (kw !== q.width || vw !== q.width) return `key/value widths ${kw}/${vw} differ from the query's ${q.width}`;
  const features = (slot: number): HeadPort => ({ io: 'in', slot, axis: 2, map: identity, headSize: q.size });
  const perHead = { kind: 'unblock', size: q.size } as const;
  return {
    canonical: { io: 'in', slot: 0, axis: 2 },
    unit: q.size,
    headSize: q.size,
    ports: [
      features(1),
      features(2),
      { io: 'out', slot: 0, axis: 2, map: identity, headSize: q.size },
      ...(ctx.has(3) ? thirds('in', 3, 0, [q.width, q.width, q.width]) : []),
      ...optional(ctx, 'in', 5, 1, perHead),
      ...optional(ctx, 'in', 6, 1, perHead),
      ...optional(ctx, 'in', 7, 1, perHead),
      ...optional(ctx, 'out', 1, 1, perHead),
      ...optional(ctx, 'out', 2, 1, perHead),
      ...optional(ctx, 'out', 3, 1, perHead),
    ],
  };
}

function gqaLayout(ctx: RuleContext): HeadLayout | string {
  const q = querySize(ctx, 0, 2);
  if (typeof q === 'string') return q;
  if (!ctx.has(1) || !ctx.has(2)) return 'packed QKV input (key and value absent) is not supported';
  const kvHeads = attrInt(ctx.node, 'kv_num_heads', 0);
  const heads = q.width / q.size;
  if (kvHeads <= 0 || heads % kvHeads) return `num_heads ${heads} is not a multiple of kv_num_heads ${kvHeads}`;
  const nRep = heads / kvHeads;
  const kvWidth = kvHeads * q.size;
  if (dimOf(ctx, 'in', 1, 2) !== kvWidth || dimOf(ctx, 'in', 2, 2) !== kvWidth)
    return `key/value widths are not kv_num_heads × head size (${kvWidth})`;
  const toKvFeature = { kind: 'unblock', size: nRep } as const;
  const toKvHead = { kind: 'unblock', size: q.size * nRep } as const;
  return {
    canonical: { io: 'in', slot: 0, axis: 2 },
    unit: q.size * nRep,
    headSize: q.size,
    ports: [
      { io: 'in', slot: 1, axis: 2, map: toKvFeature, headSize: q.size },
      { io: 'in', slot: 2, axis: 2, map: toKvFeature, headSize: q.size },
      { io: 'out', slot: 0, axis: 2, map: identity, headSize: q.size },
      ...optional(ctx, 'in', 3, 1, toKvHead),
      ...optional(ctx, 'in', 4, 1, toKvHead),
      ...optional(ctx, 'in', 10, 1, { kind: 'unblock', size: q.size }),
      // head_sink: one learned logit per query head.
      ...optional(ctx, 'in', 11, 0, { kind: 'unblock', size: q.size }),
      ...optional(ctx, 'out', 1, 1, toKvHead),
      ...optional(ctx, 'out', 2, 1, toKvHead),
      ...optional(ctx, 'out', 3, 1, { kind: 'unblock', size: q.size }),
    ],
  };
}

/** Widths of q, k, v in the packed weight (equal unless qkv_hidden_sizes says otherwise). */
function packedWidths(ctx: RuleContext): number[] | string {
  const cols = dimOf(ctx, 'in', 1, 1);
  const given = attrInts(ctx.node, 'qkv_hidden_sizes');
  if (given) {
    if (given.length !== 3 || given[0] !== given[2] || given[1] !== given[2])
      return `qkv_hidden_sizes [${given.join(',')}] differ (q, k and v heads of different sizes)`;
    return given;
  }
  if (!cols || cols % 3) return `packed QKV weight width ${cols ?? '?'} is not static or not 3 × hidden`;
  return [cols / 3, cols / 3, cols / 3];
}

function packedLayout(ctx: RuleContext): HeadLayout | string {
  const widths = packedWidths(ctx);
  if (typeof widths === 'string') return widths;
  const heads = attrInt(ctx.node, 'num_heads', 0);
  if (heads <= 0 || widths[0] % heads) return `hidden size ${widths[0]} not divisible by num_heads ${heads}`;
  const size = widths[0] / heads;
  const perHead = { kind: 'unblock', size } as const;
  return {
    canonical: { io: 'out', slot: 0, axis: 2 },
    unit: size,
    headSize: size,
    ports: [
      ...thirds('in', 1, 1, widths),
      ...(ctx.has(2) ? thirds('in', 2, 0, widths) : []),
      ...optional(ctx, 'in', 4, 2, perHead),
      ...optional(ctx, 'in', 5, 1, perHead),
      ...optional(ctx, 'out', 1, 2, perHead),
    ],
  };
}

/**
 * MultiHeadAttention's head_dim: q and k features with the key cache's last axis; v features with the
 * output's and the value cache's (v's head size is v's width / num_heads, free of q·k's). A packed
 * [q | k | v] bias or 4-D key/value are not followed.
 */
function mhaHeadDimLayout(ctx: RuleContext): HeadDimLayout | string {
  const q = querySize(ctx, 0, 2);
  if (typeof q === 'string') return q;
  const heads = q.width / q.size;
  if (!ctx.has(1) || !ctx.has(2)) return 'packed QKV input (key and value absent) is not supported';
  if (ctx.shape('in', 1)?.length !== 3 || ctx.shape('in', 2)?.length !== 3)
    return 'key/value in BNSH (4-D) form are not supported';
  if (ctx.has(3)) return 'the packed [q | k | v] bias is not sliced per head_dim';
  const vw = dimOf(ctx, 'in', 2, 2);
  if (dimOf(ctx, 'in', 1, 2) !== q.width || !vw || vw % heads) return 'key/value widths do not fit num_heads';
  const features = (io: 'in' | 'out', slot: number): HeadDimPort => ({ io, slot, axis: 2, form: 'features' });
  const dims = (pairs: [io: 'in' | 'out', slot: number][]): HeadDimPort[] =>
    pairs
      .filter(([io, slot]) => (io === 'in' ? ctx.has(slot) : !!ctx.node.outputs[slot]))
      .map(([io, slot]) => ({ io, slot, axis: 3, form: 'dim' }));
  return {
    qk: {
      size: q.size,
      ports: [
        features('in', 0),
        features('in', 1),
        ...dims([
          ['in', 6],
          ['out', 1],
        ]),
      ],
    },
    v: {
      size: vw / heads,
      blocked:
        "onnxruntime's MultiHeadAttention needs v's head size equal to q's and k's " +
        '(past_value dimension 3 must equal head_size)',
      ports: [
        features('in', 2),
        features('out', 0),
        ...dims([
          ['in', 7],
          ['out', 2],
        ]),
      ],
    },
  };
}

export const multiHeadAttentionRule: OpRule = {
  links: (ctx, port) =>
    ctx.choice === HEAD_DIM_CHOICE
      ? headDimLinks(port, mhaHeadDimLayout(ctx), 'MultiHeadAttention')
      : headLinks(port, mhaLayout(ctx)),
  rewrite(ctx) {
    const q = ctx.changes('in', 0).get(2);
    const l = mhaLayout(ctx);
    if (!q || typeof l === 'string') return;
    // Heads and head_dim may both be pruned: num_heads counts the heads kept, the scale stays the dense one.
    const kept = keptHeadsAndSize(q.keep, l.headSize);
    setAttrInt(ctx.node, 'num_heads', kept.heads);
    keepDenseScale(ctx.node, l.headSize, kept.size);
  },
};

/** GroupQueryAttention has one head size for q, k and v (and rotates q and k inside with do_rotary). */
function gqaHeadDim(ctx: RuleContext): string {
  const rotary = attrInt(ctx.node, 'do_rotary', 0)
    ? '; with do_rotary its cos_cache/sin_cache [max_position, head_size/2] rotate pairs inside the op'
    : '';
  return `GroupQueryAttention has one head size for q, k and v (kv_num_heads × head size)${rotary}: not followed`;
}

export const groupQueryAttentionRule: OpRule = {
  links: (ctx, port) =>
    ctx.choice === HEAD_DIM_CHOICE
      ? headDimLinks(port, gqaHeadDim(ctx), 'GroupQueryAttention')
      : headLinks(port, gqaLayout(ctx)),
  rewrite(ctx) {
    const l = gqaLayout(ctx);
    const [q, k] = [ctx.changes('in', 0).get(2), ctx.changes('in', 1).get(2)];
    if (typeof l === 'string') return;
    if (q) setAttrInt(ctx.node, 'num_heads', q.keep.length / l.headSize);
    if (k) setAttrInt(ctx.node, 'kv_num_heads', k.keep.length / l.headSize);
  },
};

/** The packed projection's input features meet the weight's rows: a MatMul's contracted axis. */
function packedLinks(ctx: RuleContext, port: { io: 'in' | 'out'; slot: number; axis: number }): RuleResult {
  const weightRows = { io: 'in' as const, slot: 1, axis: 0 };
  if (port.io === 'in' && port.slot === 0 && port.axis === 2)
    return { links: [{ ...weightRows, map: identity }], entries: [weightRows] };
  if (port.io === 'in' && port.slot === 1 && port.axis === 0) {
    if (!ctx.isStored(1)) return blocked('the packed QKV weight is not stored');
    return { links: [{ io: 'in', slot: 0, axis: 2, map: identity }], entries: [weightRows] };
  }
  if (ctx.choice === HEAD_DIM_CHOICE)
    return headDimLinks(
      port,
      'the packed QKV projection inside Attention gives q, k and v one head size (hidden / num_heads): not followed',
      'Attention',
    );
  return headLinks(port, packedLayout(ctx));
}

export const packedAttentionRule: OpRule = {
  links: packedLinks,
  rewrite(ctx) {
    const out = ctx.changes('out', 0).get(2);
    const l = packedLayout(ctx);
    if (!out || typeof l === 'string') return;
    setAttrInt(ctx.node, 'num_heads', out.keep.length / l.headSize);
    const sizes = attrInts(ctx.node, 'qkv_hidden_sizes');
    if (sizes) setAttrInts(ctx.node, 'qkv_hidden_sizes', [out.keep.length, out.keep.length, out.keep.length]);
  },
};
