/**
 * Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze). Input and output dims
 * are cut into chunks of equal element count; inside a chunk every axis is a
 * digit of one mixed-radix index, with a stride (product of the dims after it)
 * and an extent (stride × its channel count). The channel axis meets the axis on
 * the other side with the same extent: identity (same stride), block (Flatten:
 * c ↔ c*HW..), or unblock (features → heads: e ↔ e / hd). A "k*batch" axis holds
 * k channels as its inner factor, so heads merged into the batch axis work too.
 * A target entry that must change has to be rewritable (see shape-entry.ts).
 */
import { divDims, mulDims, productDims, sameDim } from '../../shape/dims.js';
import type { Dim } from '../../ir/types.js';
import { channelCount } from '../channel-dim.js';
import { blocked, identity, type Link, type OpRule, type Port, type RuleContext, type RuleResult } from './types.js';

interface Chunk { a: [number, number]; b: [number, number] }

/** Chunks of equal element count, or a reason. */
export function chunks(a: readonly Dim[], b: readonly Dim[]): Chunk[] | string {
  const out: Chunk[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const si = i, sj = j;
    let pa: Dim = a[i++], pb: Dim = b[j++];
    while (!sameDim(pa, pb)) {
      if (pa === null || pb === null) return 'a dim is unknown';
      if (divDims(pb, pa) !== null && i < a.length) pa = mulDims(pa, a[i++]);
      else if (divDims(pa, pb) !== null && j < b.length) pb = mulDims(pb, b[j++]);
      else return `dims [${a.join(',')}] and [${b.join(',')}] do not factor`;
    }
    out.push({ a: [si, i], b: [sj, j] });
  }
  while (i < a.length) { if (a[i++] !== 1) return 'trailing input dims are not 1'; out[out.length - 1].a[1] = i; }
  while (j < b.length) { if (b[j++] !== 1) return 'trailing output dims are not 1'; out[out.length - 1].b[1] = j; }
  return out;
}

interface Digit { axis: number; n: number; stride: Dim; extent: Dim }

function digits(dims: readonly Dim[], [s, e]: [number, number]): Digit[] {
  const out: Digit[] = [];
  for (let k = s; k < e; k++) {
    const n = channelCount(dims[k]);
    const stride = productDims(dims.slice(k + 1, e));
    if (n !== undefined) out.push({ axis: k, n, stride, extent: mulDims(stride, n) });
  }
  return out;
}

/** The link from `port` through a reshape with input dims `a` and output dims `b`, or a reason. */
export function reshapeLink(a: readonly Dim[], b: readonly Dim[], port: Port): Link | string {
  const cs = chunks(a, b);
  if (typeof cs === 'string') return cs;
  const mineDims = port.io === 'in' ? a : b, otherDims = port.io === 'in' ? b : a;
  const chunk = cs.find((c) => { const [s, e] = port.io === 'in' ? c.a : c.b; return port.axis >= s && port.axis < e; });
  if (!chunk) return 'axis outside the reshaped dims';
  const me = digits(mineDims, port.io === 'in' ? chunk.a : chunk.b).find((d) => d.axis === port.axis);
  if (!me) return `channel count of dim ${mineDims[port.axis]} is unknown`;
  const candidates = digits(otherDims, port.io === 'in' ? chunk.b : chunk.a).filter((d) => sameDim(d.extent, me.extent));
  const them = candidates.find((d) => d.n > 1) ?? candidates[0];
  if (!them) return `no axis on the other side spans the ${me.n} channels of axis ${port.axis}`;
  const io = port.io === 'in' ? 'out' as const : 'in' as const;
  if (sameDim(me.stride, them.stride)) return { io, slot: 0, axis: them.axis, map: identity };
  const up = divDims(them.stride, me.stride), down = divDims(me.stride, them.stride);
  if (typeof up === 'number') return { io, slot: 0, axis: them.axis, map: { kind: 'unblock', size: up }, ...(port.io === 'in' ? { headSize: up } : {}) };
  if (typeof down === 'number') return { io, slot: 0, axis: them.axis, map: { kind: 'block', size: down } };
  return `strides ${me.stride} and ${them.stride} do not nest`;
}

function reshapeLinks(ctx: RuleContext, port: Port): RuleResult {
  if (port.io === 'in' && port.slot !== 0) return blocked('the shape input carries no channels');
  const a = ctx.shape('in', 0), b = ctx.shape('out', 0);
  if (!a || !b) return blocked('input or output shape unknown');
  const link = reshapeLink(a, b, port);
  if (typeof link === 'string') return blocked(link);
  if (ctx.node.opType === 'Reshape') {
    const outAxis = port.io === 'out' ? port.axis : link.axis;
    const inAxis = port.io === 'in' ? port.axis : link.axis;
    const merged = typeof b[outAxis] === 'string';
    const e = ctx.shapeEntry(1, outAxis);
    const ok =
      (e.kind === 'literal' && (e.value === -1 || e.value > 0 && !merged || e.value === 0 && outAxis === inAxis && link.map.kind === 'identity')) ||
      (e.kind === 'scaled' && merged) ||
      (e.kind === 'dynamic' && (e.piece || (e.from.value === ctx.node.inputs[0] && e.from.axis === inAxis && link.map.kind === 'identity')));
    // The whole target read from another value's runtime shape (GroupNorm's reshape back to Shape(x)): that axis
    // has the output's size, so it is coupled to the output axis.
    if (!ok && e.kind === 'dynamic' && !e.piece) {
      const toOut = port.io === 'out' ? identity : link.map;
      return { links: [link, { io: 'in', slot: 0, axis: e.from.axis, value: e.from.value, map: toOut }] };
    }
    if (!ok) return blocked(`target entry ${outAxis} cannot be rewritten (${e.kind === 'unknown' ? e.reason : `${e.kind} entry`})`);
  }
  return { links: [link] };
}

export const reshapeRule: OpRule = {
  links: reshapeLinks,
  rewrite(ctx) {
    if (ctx.node.opType !== 'Reshape') return;
    for (const [axis, change] of ctx.changes('out', 0)) {
      const e = ctx.shapeEntry(1, axis);
      const sameAxis = e.kind === 'dynamic' && !e.piece && ctx.changesOf(e.from.value).get(e.from.axis)?.keep.length === change.keep.length;
      const needs = (e.kind === 'literal' && e.value > 0) || e.kind === 'scaled' || (e.kind === 'dynamic' && !sameAxis);
      if (needs && !ctx.setShapeEntry(1, axis, change.keep.length)) {
        throw new Error(`cannot rewrite entry ${axis} of the Reshape target of ${ctx.node.name}`);
      }
    }
  },
};
