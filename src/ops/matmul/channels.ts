/**
 * Gemm and MatMul. The contracted axis K of the left operand meets the weight's
 * K axis: that is where channels *enter* a weight (what the mask oracle zeroes).
 * The weight's N axis is the output features. MatMul batch axes broadcast like
 * an elementwise op; when both operands are activations, a batch axis is where
 * attention heads live, and a contracted channel axis cannot be masked exactly.
 */
import { attrInt } from '../../ir/attrs.js';
import {
  blocked,
  identity,
  type Link,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

function gemmLinks(ctx: RuleContext, port: Port): RuleResult {
  const tA = attrInt(ctx.node, 'transA', 0);
  const tB = attrInt(ctx.node, 'transB', 0);
  const aK = tA ? 0 : 1,
    aM = 1 - aK,
    bK = tB ? 1 : 0,
    bN = 1 - bK;
  const c = ctx.shape('in', 2);
  const cPort = (outAxis: number): Link[] => {
    if (!c) return [];
    const a = outAxis - (2 - c.length);
    if (a < 0 || c[a] === 1) return [];
    return [{ io: 'in', slot: 2, axis: a, map: identity }];
  };
  const key = `${port.io}${port.slot}:${port.axis}`;
  const K = { io: 'in' as const, slot: 1, axis: bK };
  if (key === `in0:${aK}`) return { links: [{ ...K, map: identity }], entries: [K] };
  if (key === `in1:${bK}`) return { links: [{ io: 'in', slot: 0, axis: aK, map: identity }], entries: [K] };
  const nGroup: Link[] = [
    { io: 'out', slot: 0, axis: 1, map: identity },
    { io: 'in', slot: 1, axis: bN, map: identity },
    ...cPort(1),
  ];
  const mGroup: Link[] = [
    { io: 'out', slot: 0, axis: 0, map: identity },
    { io: 'in', slot: 0, axis: aM, map: identity },
    ...cPort(0),
  ];
  const without = (ls: Link[]) => ls.filter((l) => !(l.io === port.io && l.slot === port.slot && l.axis === port.axis));
  if (nGroup.some((l) => `${l.io}${l.slot}:${l.axis}` === key)) return { links: without(nGroup) };
  if (mGroup.some((l) => `${l.io}${l.slot}:${l.axis}` === key)) return { links: without(mGroup) };
  return blocked(`axis ${port.axis} of ${port.io}put ${port.slot} is not a Gemm axis`);
}

function matmulLinks(ctx: RuleContext, port: Port): RuleResult {
  const a = ctx.shape('in', 0),
    b = ctx.shape('in', 1),
    y = ctx.shape('out', 0);
  if (!a || !b || !y) return blocked('operand ranks unknown');
  if (a.length < 2 || b.length < 2) return blocked('1-D MatMul operands are not supported');
  const ra = a.length,
    rb = b.length,
    R = y.length;
  const stored = ctx.isStored(1);
  const key = `${port.io}${port.slot}:${port.axis}`;
  const K: Port = { io: 'in', slot: 1, axis: rb - 2 };
  if (key === `in0:${ra - 1}` || key === `in1:${rb - 2}`) {
    const other: Link = key.startsWith('in0')
      ? { ...K, map: identity }
      : { io: 'in', slot: 0, axis: ra - 1, map: identity };
    if (stored || ctx.isStored(0))
      return { links: [other], entries: stored ? [K] : [{ io: 'in', slot: 0, axis: ra - 1 }] };
    return { links: [other], inexact: 'MatMul contracts the pruned axis between two activations', contraction: true };
  }
  const without = (ls: Link[]) => ls.filter((l) => !(l.io === port.io && l.slot === port.slot && l.axis === port.axis));
  if (key === `in1:${rb - 1}` || key === `out0:${R - 1}`)
    return {
      links: without([
        { io: 'in', slot: 1, axis: rb - 1, map: identity },
        { io: 'out', slot: 0, axis: R - 1, map: identity },
      ]),
    };
  if (key === `in0:${ra - 2}` || key === `out0:${R - 2}`)
    return {
      links: without([
        { io: 'in', slot: 0, axis: ra - 2, map: identity },
        { io: 'out', slot: 0, axis: R - 2, map: identity },
      ]),
    };
  // A batch axis: aligned from the right over the leading R-2 axes, broadcasting like Add.
  const outAxis = port.io === 'out' ? port.axis : port.axis + (R - (port.slot === 0 ? ra : rb));
  const n = y[outAxis];
  const links: Link[] = [{ io: 'out', slot: 0, axis: outAxis, map: identity }];
  for (const [slot, s] of [
    [0, a],
    [1, b],
  ] as const) {
    const ax = outAxis - (R - s.length);
    if (ax < 0 || (s[ax] === 1 && n !== 1)) continue;
    if (s[ax] !== n && typeof n === 'number')
      return blocked(`batch axis of input ${slot} has dim ${s[ax]}, expected ${n} or 1`);
    links.push({ io: 'in', slot, axis: ax, map: identity });
  }
  return { links: without(links), attention: !stored && !ctx.isStored(0) };
}

export const gemmRule: OpRule = { links: gemmLinks };
export const matmulRule: OpRule = { links: matmulLinks };
