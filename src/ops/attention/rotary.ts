/**
 * RotaryEmbedding (ONNX opset 23, and onnxruntime's `com.microsoft` one): rotates pairs of channels
 * inside each head (i with i + d/2, or 2i with 2i+1 when `interleaved`) by position-dependent angles
 * read from cos/sin caches that are the same for every head. Whole heads pass through unchanged in
 * meaning, so heads are prunable (`num_heads` rewritten); a channel inside a head is not: it would
 * break the pairing and the caches (head_dim blocked with that reason).
 *
 * Input X is 3-D [B, S, heads·size] or 4-D: [B, heads, S, size] (ONNX), [B, heads, S, size] (contrib).
 */
import { attrInt, setAttrInt } from '../../ir/attrs.js';
import { blocked, dimOf, identity, type OpRule, type RuleContext } from '../channel-rule.js';
import { HEAD_DIM_CHOICE } from './head-dim.js';

/** Head size of a 3-D input: hidden / num_heads, or (num_heads unset) the rotated width of the caches. */
function headSize3d(ctx: RuleContext, cosSlot: number): number | string {
  const hidden = dimOf(ctx, 'in', 0, 2);
  const heads = attrInt(ctx.node, 'num_heads', 0);
  if (!hidden) return 'hidden size not static';
  if (heads > 0) return hidden % heads ? `hidden size ${hidden} not divisible by num_heads ${heads}` : hidden / heads;
  const rotary = attrInt(ctx.node, 'rotary_embedding_dim', 0);
  const half = dimOf(ctx, 'in', cosSlot, (ctx.shape('in', cosSlot)?.length ?? 1) - 1);
  const size = rotary || (half ? half * 2 : 0);
  if (!size || hidden % size) return 'head size not known (num_heads unset, cos cache width not static)';
  return size;
}

/** Why head_dim does not pass a RotaryEmbedding op (asked by the head_dim analysis, HEAD_DIM_CHOICE). */
const ROTATED_INSIDE =
  'head_dim: the cos/sin caches [max_position, rotary_dim/2] rotate pairs of head_dim channels inside ' +
  'RotaryEmbedding; slicing them along is not supported';

const rotaryRule = (cosSlot: number): OpRule => ({
  links(ctx, port) {
    // head_dim passes (q and k show as one group through the attention after it) but is blocked here.
    if (ctx.choice === HEAD_DIM_CHOICE && port.slot === 0)
      return {
        links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }],
        block: ROTATED_INSIDE,
      };
    if ((port.io === 'in' && port.slot !== 0) || (port.io === 'out' && port.slot !== 0))
      return blocked(`${port.io}put ${port.slot} carries no heads (cos/sin caches and positions)`);
    const rank = ctx.shape('in', 0)?.length;
    const other = {
      io: port.io === 'in' ? ('out' as const) : ('in' as const),
      slot: 0,
      axis: port.axis,
      map: identity,
    };
    if (rank === 4) {
      if (port.axis === 3) return blocked(ROTATED_INSIDE);
      return { links: [other] };
    }
    if (rank !== 3) return blocked(`input of rank ${rank ?? 'unknown'} (3 or 4 expected)`);
    if (port.axis !== 2) return { links: [other] };
    const size = headSize3d(ctx, cosSlot);
    if (typeof size === 'string') return blocked(size);
    // Whole heads only: a channel inside a head is paired by the rotation (head_dim is blocked).
    return { links: [{ ...other, headSize: size }], ties: [{ ...port, kind: 'blocks', size }] };
  },
  rewrite(ctx) {
    const c = ctx.changes('in', 0).get(2);
    const heads = attrInt(ctx.node, 'num_heads', 0);
    if (!c || heads <= 0 || ctx.shape('in', 0)?.length !== 3) return;
    setAttrInt(ctx.node, 'num_heads', (c.keep.length * heads) / c.before);
  },
});

/** ONNX RotaryEmbedding: X, cos_cache, sin_cache, position_ids. */
export const onnxRotaryRule = rotaryRule(1);
/** com.microsoft RotaryEmbedding: input, position_ids, cos_cache, sin_cache. */
export const contribRotaryRule = rotaryRule(2);
