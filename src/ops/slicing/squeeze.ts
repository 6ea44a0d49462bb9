/**
 * Squeeze and Unsqueeze only remove or insert axes of size 1, so every other axis keeps its place
 * in order: the channel axis is renumbered, whatever the other dims are. (The reshape rule, which
 * factors both shapes into chunks of equal size, needs every dim known: an STFT's frame count
 * computed from a symbolic number of samples is unknown, and it blocked the filter bank.)
 * Without known axes (a Squeeze of every size-1 axis of an unknown shape), the reshape rule decides.
 */
import { attrInts } from '../../ir/attrs.js';
import { blocked, identity, normAxis, type OpRule, type RuleContext } from '../channel-rule.js';
import { reshapeRule } from '../shape-ops/reshape.js';

/** The axes Squeeze removes (of its input) or Unsqueeze inserts (of its output), or undefined. */
function movedAxes(ctx: RuleContext, rank: number): number[] | undefined {
  const given = ctx.opset >= 13 ? (ctx.has(1) ? ctx.ints(1) : undefined) : attrInts(ctx.node, 'axes');
  if (given) return given.every((a) => typeof a === 'number') ? given.map((a) => normAxis(a, rank)) : undefined;
  if (ctx.node.opType !== 'Squeeze' || (ctx.opset >= 13 && ctx.has(1))) return undefined;
  const x = ctx.shape('in', 0);
  if (!x || x.some((d) => typeof d !== 'number')) return undefined;
  return x.flatMap((d, i) => (d === 1 ? [i] : []));
}

export const squeezeRule: OpRule = {
  links(ctx, port) {
    if (port.io === 'in' && port.slot !== 0) return blocked('the axes input carries no channels');
    const a = ctx.shape('in', 0);
    const b = ctx.shape('out', 0);
    if (!a || !b) return reshapeRule.links(ctx, port);
    const squeeze = ctx.node.opType === 'Squeeze';
    const [long, short] = squeeze ? [a, b] : [b, a];
    const moved = movedAxes(ctx, long.length);
    if (!moved || long.length !== short.length + new Set(moved).size) return reshapeRule.links(ctx, port);
    // The long side's axes that stay, in order, are the short side's axes.
    const kept = long.map((_, i) => i).filter((i) => !moved.includes(i));
    const onLong = (port.io === 'in') === squeeze;
    if (onLong && moved.includes(port.axis))
      return blocked(`axis ${port.axis} is a size-1 axis the ${ctx.node.opType} ${squeeze ? 'removes' : 'inserts'}`);
    const axis = onLong ? kept.indexOf(port.axis) : kept[port.axis];
    const io = port.io === 'in' ? 'out' : 'in';
    return { links: [{ io, slot: 0, axis, map: identity }] };
  },
};
