/**
 * Normalisations, reductions and Softmax. Per-channel statistics (BatchNorm,
 * InstanceNorm) carry the channel axis exactly with their parameters sliced.
 * Statistics *over* the pruned axis (LayerNorm, ReduceMean over channels,
 * Softmax over channels) still carry the channels, but removing one changes the
 * others' values: such groups are not mask-exact and say why.
 * GroupNormalization removes whole groups (the channels of a group are tied).
 */
import { attrInt, attrInts, setAttrInt } from '../../ir/attrs.js';
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

/** X axis 1 ↔ Y axis 1 ↔ params axis 0 (slots `params`). */
function perChannel(ctx: RuleContext, port: Port, params: number[]): RuleResult {
  const ports: Link[] = [
    { io: 'in', slot: 0, axis: 1, map: identity },
    { io: 'out', slot: 0, axis: 1, map: identity },
    ...params.filter((s) => ctx.has(s)).map((slot) => ({ io: 'in' as const, slot, axis: 0, map: identity })),
  ];
  const here = ports.findIndex((l) => l.io === port.io && l.slot === port.slot && l.axis === port.axis);
  if (here >= 0) return { links: ports.filter((_, i) => i !== here) };
  if (port.io === 'out' && port.slot > 0) return blocked(`output ${port.slot} (training statistics) is not supported`);
  if ((port.io === 'in' && port.slot === 0) || port.io === 'out') {
    // Batch and spatial axes pass through; per-channel statistics do not mix them across channels.
    return {
      links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }],
      ...(port.axis > 1 && ctx.node.opType === 'InstanceNormalization'
        ? { inexact: 'InstanceNormalization statistics span the pruned spatial axis' }
        : {}),
    };
  }
  return blocked(`axis ${port.axis} of a parameter`);
}

export const batchNormRule: OpRule = { links: (ctx, port) => perChannel(ctx, port, [1, 2, 3, 4]) };
export const instanceNormRule: OpRule = { links: (ctx, port) => perChannel(ctx, port, [1, 2]) };

export const layerNormRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    const axis = normAxis(attrInt(ctx.node, 'axis', -1), rank);
    if (port.io === 'out' && port.slot > 0) return blocked('mean/inv-std outputs are not supported');
    const xAxis = port.io === 'in' && port.slot > 0 ? port.axis + axis : port.axis;
    const links: Link[] = [
      { io: 'in', slot: 0, axis: xAxis, map: identity },
      { io: 'out', slot: 0, axis: xAxis, map: identity },
    ];
    if (xAxis < axis) return { links: links.filter((l) => !(l.io === port.io && l.slot === port.slot)) };
    for (const slot of [1, 2]) {
      const s = ctx.shape('in', slot);
      if (!ctx.has(slot) || !s) continue;
      const a = xAxis - (rank - s.length);
      if (a >= 0 && s[a] !== 1) links.push({ io: 'in', slot, axis: a, map: identity });
    }
    return {
      links: links.filter((l) => !(l.io === port.io && l.slot === port.slot && l.axis === port.axis)),
      inexact: `${ctx.node.opType} statistics are taken over the pruned axis`,
    };
  },
};

export const groupNormRule: OpRule = {
  links(ctx, port) {
    const groups = attrInt(ctx.node, 'num_groups', 0);
    const c = ctx.shape('in', 0)?.[1];
    if (typeof c !== 'number' || groups <= 0 || c % groups !== 0)
      return blocked('channel count or num_groups not static');
    const size = c / groups;
    const scale = ctx.shape('in', 1)?.[0];
    const paramMap = scale === groups && groups !== c ? { kind: 'unblock' as const, size } : identity;
    if (port.io === 'in' && port.slot > 0) {
      const back = paramMap.kind === 'unblock' ? { kind: 'block' as const, size } : identity;
      return { links: [{ io: 'in', slot: 0, axis: 1, map: back }] };
    }
    if (port.axis !== 1)
      return { links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }] };
    const links: Link[] = [
      { io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: 1, map: identity },
      { io: 'in', slot: 1, axis: 0, map: paramMap },
      { io: 'in', slot: 2, axis: 0, map: paramMap },
    ];
    return { links, ties: [{ ...port, kind: 'blocks', size }] };
  },
  rewrite(ctx) {
    const c = ctx.changes('in', 0).get(1);
    if (!c) return;
    const groups = attrInt(ctx.node, 'num_groups', 0);
    setAttrInt(ctx.node, 'num_groups', (c.keep.length * groups) / c.before);
  },
};

const REDUCE_AXES_INPUT: Record<string, number> = { ReduceSum: 13 };

/** Reductions: over the channel axis → not exact (and the axis ends); other axes remap. */
export const reduceRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    if (port.io === 'in' && port.slot !== 0) return blocked('axes carry no channels');
    const fromInput = ctx.opset >= (REDUCE_AXES_INPUT[ctx.node.opType] ?? 18);
    const raw = fromInput ? (ctx.has(1) ? ctx.ints(1) : []) : (attrInts(ctx.node, 'axes') ?? []);
    if (!raw || raw.some((a) => typeof a !== 'number')) return blocked('reduction axes are not constant');
    let axes = (raw as number[]).map((a) => normAxis(a, rank));
    if (axes.length === 0) axes = attrInt(ctx.node, 'noop_with_empty_axes', 0) ? [] : [...Array(rank).keys()];
    const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
    const toOut = (a: number) => (keep ? a : a - axes.filter((x) => x < a).length);
    if (port.io === 'in') {
      if (axes.includes(port.axis)) return { links: [], inexact: `${ctx.node.opType} reduces over the pruned axis` };
      return { links: [{ io: 'out', slot: 0, axis: toOut(port.axis), map: identity }] };
    }
    for (let a = 0; a < rank; a++)
      if (!axes.includes(a) && toOut(a) === port.axis)
        return { links: [{ io: 'in', slot: 0, axis: a, map: identity }] };
    return blocked('axis produced by the reduction');
  },
};

export const softmaxRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    const axis = normAxis(attrInt(ctx.node, 'axis', ctx.opset >= 13 ? -1 : 1), rank);
    const over = ctx.opset >= 13 ? port.axis === axis : port.axis >= axis;
    return {
      links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: port.axis, map: identity }],
      ...(over ? { inexact: `${ctx.node.opType} normalises over the pruned axis` } : {}),
    };
  },
};
