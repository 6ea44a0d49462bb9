/**
 * NC(spatial) ops that keep channels separate: pooling, Resize, Pad, and the
 * shape-only consumers (Shape/Size read a runtime size, which adapts by itself).
 * A spatial axis never carries channels here: reaching one blocks.
 */
import { attrInts } from '../../ir/attrs.js';
import {
  blocked,
  identity,
  normAxis,
  type Link,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

function channelAxes(_ctx: RuleContext, port: Port): RuleResult {
  if (port.io === 'in' && port.slot !== 0) return blocked(`input ${port.slot} carries no channels`);
  if (port.io === 'out' && port.slot !== 0) return blocked(`output ${port.slot} (indices) is not supported`);
  if (port.axis > 1) return blocked(`axis ${port.axis} is spatial`);
  return { links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }] };
}

export const poolRule: OpRule = { links: channelAxes };

export const resizeRule: OpRule = {
  links(ctx, port) {
    const r = channelAxes(ctx, port);
    if ('blocked' in r) return r;
    const scales = ctx.opset >= 11 ? (ctx.has(2) ? ctx.ints(2) : undefined) : ctx.has(1) ? ctx.ints(1) : undefined;
    if (scales && scales.length > 0 && scales[port.axis] !== 1)
      return blocked(`scale on the channel axis is ${scales[port.axis]}`);
    if (ctx.opset >= 11 && ctx.has(3)) {
      const e = ctx.shapeEntry(3, port.axis);
      if (e.kind === 'unknown') return blocked(`sizes entry ${port.axis}: ${e.reason}`);
      if (e.kind === 'fixed')
        return blocked(`sizes entry ${port.axis} is computed from constants and cannot follow the channel count`);
      if (e.kind === 'dynamic' && !(e.from.value === ctx.node.inputs[0] && e.from.axis === port.axis))
        return blocked(`sizes entry ${port.axis} is the runtime size of another value`);
      // sizes = Cast(Floor(Cast(Shape(x)) * scales)): a scale of 1 keeps x's own channel count.
      const own =
        e.kind === 'scaled' && e.factor === 1 && e.from?.value === ctx.node.inputs[0] && e.from.axis === port.axis;
      if (e.kind === 'scaled' && !own) return blocked(`sizes entry ${port.axis} scales a runtime size by ${e.factor}`);
    }
    return r;
  },
  rewrite(ctx) {
    if (ctx.opset < 11 || !ctx.has(3)) return;
    for (const [axis, c] of ctx.changes('out', 0)) {
      const e = ctx.shapeEntry(3, axis);
      if (e.kind === 'literal') ctx.setShapeEntry(3, axis, c.keep.length);
    }
  },
};

function padsOf(ctx: RuleContext): number[] | undefined {
  if (ctx.opset < 11) return attrInts(ctx.node, 'pads');
  const v = ctx.has(1) ? ctx.ints(1) : undefined;
  return v?.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

export const padRule: OpRule = {
  links(ctx, port) {
    if (port.io === 'in' && port.slot !== 0) return blocked(`input ${port.slot} carries no channels`);
    const rank = ctx.shape('in', 0)?.length;
    const pads = padsOf(ctx);
    if (rank === undefined || !pads) return blocked('pads are not constant');
    // Opset 18's `axes` input: pads[i] and pads[i + axes.length] pad axes[i]; other axes are not padded.
    const explicit = ctx.opset >= 18 && ctx.has(3) ? ctx.ints(3) : undefined;
    if (ctx.opset >= 18 && ctx.has(3) && (!explicit || explicit.some((a) => typeof a !== 'number')))
      return blocked('Pad axes are not constant');
    const axes = explicit ? explicit.map((a) => normAxis(a as number, rank)) : undefined;
    if (axes && pads.length !== 2 * axes.length) return blocked(`${pads.length} pads for ${axes.length} axes`);
    const k = axes ? axes.indexOf(port.axis) : port.axis;
    const count = axes ? axes.length : rank;
    if (k >= 0 && (pads[k] !== 0 || pads[k + count] !== 0)) return blocked('the channel axis is padded');
    return { links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }] };
  },
};

/** Shape/Size read the runtime size: the value adapts, no channels flow on. */
export const shapeReadRule: OpRule = { links: () => ({ links: [] }) };

/** A Constant node is where a stored value lives; it has no inputs to follow. */
export const constantRule: OpRule = { links: () => ({ links: [] }) };

/** Expand / Tile: the channel axis passes when its shape entry keeps it (1 or the same size, rewritten). */
export const expandRule: OpRule = {
  links(ctx, port) {
    if (port.io === 'in' && port.slot !== 0) return blocked('the shape input carries no channels');
    const inRank = ctx.shape('in', 0)?.length,
      outRank = ctx.shape('out', 0)?.length;
    if (inRank === undefined || outRank === undefined) return blocked('rank unknown');
    const outAxis = port.io === 'out' ? port.axis : port.axis + outRank - inRank;
    const inAxis = outAxis - (outRank - inRank);
    const n = inAxis < 0 ? undefined : ctx.shape('in', 0)?.[inAxis];
    const pos =
      ctx.node.opType === 'Tile' ? inAxis : outAxis - (outRank - ((ctx.shape('in', 1)?.[0] as number) ?? outRank));
    if (inAxis < 0 || n === 1) {
      // Broadcast from 1 (or a new axis) to a size read from Shape(x): the output's axis follows x's
      // channels, as ConstantOfShape(Shape(x)) does; every position along it is the same copy.
      const from = port.io === 'out' && pos >= 0 ? ctx.shapeEntry(1, pos) : undefined;
      if (from?.kind === 'dynamic')
        return { links: [{ io: 'in', slot: 0, axis: from.from.axis, value: from.from.value, map: identity }] };
      // A stored size (an Expand size, or a Tile repeat of an axis of 1: repeat_kv's n_rep, also behind
      // torch's Where(Equal(v, -1), ones, v)): the axis is its own space, and the rewrite writes the kept count.
      const tiled = ctx.node.opType === 'Tile' && n === 1 && from?.kind === 'literal';
      if (from?.kind === 'literal' && (ctx.node.opType === 'Expand' || tiled)) return { links: [] };
      return blocked(`the channel axis is ${inAxis < 0 ? 'created' : 'broadcast'} by the expansion`);
    }
    const e = ctx.shapeEntry(1, pos);
    const ok =
      e.kind === 'literal'
        ? e.value === 1 || (ctx.node.opType === 'Expand' && e.value === n)
        : e.kind === 'fixed'
          ? e.value === 1 // torch's expand(B, -1, -1): a 1 however it is computed keeps the axis
          : e.kind === 'dynamic';
    if (!ok) return blocked(`${ctx.node.opType} entry ${pos} changes the channel axis`);
    const through: Link =
      port.io === 'in'
        ? { io: 'out', slot: 0, axis: outAxis, map: identity }
        : { io: 'in', slot: 0, axis: inAxis, map: identity };
    // The entry reads another value's runtime size (repeat_kv's expand(B, Hkv, n_rep, S, hd) reads Hkv from k
    // before its Unsqueeze): that axis has this one's size, so it carries the same channels.
    if (e.kind === 'dynamic' && (e.from.value !== ctx.node.inputs[0] || e.from.axis !== inAxis)) {
      return { links: [through, { io: 'in', slot: 0, axis: e.from.axis, value: e.from.value, map: identity }] };
    }
    return { links: [through] };
  },
  rewrite(ctx) {
    if (ctx.node.opType === 'Tile') {
      // Repeats of an axis of size 1 (the count itself): they follow its kept positions.
      for (const [axis, c] of ctx.changes('out', 0))
        if (ctx.shape('in', 0)?.[axis] === 1 && !ctx.setShapeEntry(1, axis, c.keep.length))
          throw new Error(`cannot rewrite entry ${axis} of the Tile repeats of ${ctx.node.name}`);
      return;
    }
    const outRank = ctx.shape('out', 0)?.length ?? 0;
    const len = (ctx.shape('in', 1)?.[0] as number) ?? outRank;
    for (const [axis, c] of ctx.changes('out', 0)) {
      const e = ctx.shapeEntry(1, axis - (outRank - len));
      if (e.kind === 'literal' && e.value > 1) ctx.setShapeEntry(1, axis - (outRank - len), c.keep.length);
    }
  },
};
