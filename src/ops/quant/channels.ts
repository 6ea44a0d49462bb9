/**
 * QuantizeLinear / DequantizeLinear: data axes pass through; per-axis scales and
 * zero points (`axis`, default 1) are sliced with the channels; per-tensor ones
 * are untouched.
 */
import { attrInt } from '../../ir/attrs.js';
import { blocked, identity, normAxis, type Link, type OpRule } from '../channel-rule.js';

export const quantRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    const axis = normAxis(attrInt(ctx.node, 'axis', 1), rank);
    const perAxis = (ctx.shape('in', 1)?.length ?? 0) === 1 && ctx.shape('in', 1)?.[0] !== 1;
    const xAxis = port.io === 'in' && port.slot > 0 ? axis : port.axis;
    if (port.io === 'in' && port.slot > 0 && !perAxis) return blocked('per-tensor scale');
    const links: Link[] = [
      { io: 'in', slot: 0, axis: xAxis, map: identity },
      { io: 'out', slot: 0, axis: xAxis, map: identity },
    ];
    if (perAxis && xAxis === axis)
      for (const slot of [1, 2]) if (ctx.has(slot)) links.push({ io: 'in', slot, axis: 0, map: identity });
    return { links: links.filter((l) => !(l.io === port.io && l.slot === port.slot)) };
  },
};

/**
 * DynamicQuantizeLinear: y = saturate(round(x / scale) + zero_point), with one scale and zero point computed
 * from the min and max of every element. Channels pass from x to y, but removing some can change that range
 * and so requantize the rest: the removal is not what masking computes (a statistic over the pruned axis).
 */
export const dynamicQuantRule: OpRule = {
  links(_ctx, port) {
    if (port.slot !== 0) return blocked(`output ${port.slot} is a scalar (the computed scale or zero point)`);
    const other = {
      io: port.io === 'in' ? ('out' as const) : ('in' as const),
      slot: 0,
      axis: port.axis,
      map: identity,
    };
    return {
      links: [other],
      inexact: 'DynamicQuantizeLinear computes one scale and zero point from the min and max of every channel',
    };
  },
};
