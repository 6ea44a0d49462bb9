/**
 * Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze). Input and output dims
 * are cut into chunks of equal element count; inside a chunk every axis is a
 * digit of one mixed-radix index, with a stride (product of the dims after it)
 * and an extent (stride × its channel count). The channel axis meets the axis on
 * the other side with the same extent: identity (same stride), block (Flatten:
 * c ↔ c*HW..), or unblock (features → heads: e ↔ e / hd). Where one side merges
 * into a single axis what the other splits into several digits, the merged axis
 * may instead pair with an inner digit (`digit` map: [3·H·hd] → the heads of
 * [3, H, hd]); which one is the node's choice (link-choices.ts). A "k*batch" axis
 * holds k channels as its inner factor, so heads merged into the batch axis work
 * too. A target entry that must change has to be rewritable (see shape-entry.ts).
 */
import { divDims, mulDims, productDims, sameDim } from '../../shape/dims.js';
import type { Dim } from '../../ir/types.js';
import { channelCount } from '../channel-dim.js';
import { invertMap, type IndexMap } from '../index-map.js';
import {
  blocked,
  identity,
  type Link,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

interface Chunk {
  a: [number, number];
  b: [number, number];
}

/** Chunks of equal element count, or a reason. */
export function chunks(a: readonly Dim[], b: readonly Dim[]): Chunk[] | string {
  const out: Chunk[] = [];
  let i = 0,
    j = 0;
  while (i < a.length && j < b.length) {
    const si = i,
      sj = j;
    let pa: Dim = a[i++],
      pb: Dim = b[j++];
    while (!sameDim(pa, pb)) {
      if (pa === null || pb === null) return 'a dim is unknown';
      if (divDims(pb, pa) !== null && i < a.length) pa = mulDims(pa, a[i++]);
      else if (divDims(pa, pb) !== null && j < b.length) pb = mulDims(pb, b[j++]);
      else return `dims [${a.join(',')}] and [${b.join(',')}] do not factor`;
    }
    out.push({ a: [si, i], b: [sj, j] });
  }
  while (i < a.length) {
    if (a[i++] !== 1) return 'trailing input dims are not 1';
    out[out.length - 1].a[1] = i;
  }
  while (j < b.length) {
    if (b[j++] !== 1) return 'trailing output dims are not 1';
    out[out.length - 1].b[1] = j;
  }
  return out;
}

interface Digit {
  axis: number;
  n: number;
  stride: Dim;
  extent: Dim;
}

function digits(dims: readonly Dim[], [s, e]: [number, number]): Digit[] {
  const out: Digit[] = [];
  for (let k = s; k < e; k++) {
    const n = channelCount(dims[k]);
    const stride = productDims(dims.slice(k + 1, e));
    if (n !== undefined) out.push({ axis: k, n, stride, extent: mulDims(stride, n) });
  }
  return out;
}

/** `inner` is a digit of `outer`'s index: its range of strides lies inside outer's. */
function nests(inner: Digit, outer: Digit): boolean {
  return (
    typeof divDims(inner.stride, outer.stride) === 'number' && typeof divDims(outer.extent, inner.extent) === 'number'
  );
}

/**
 * The digits a merged axis (the only one with channels on its side of the chunk) may meet on a side
 * that splits it into several: every digit with channels that nests in it. The first is the one
 * spanning all of it (features → heads of [H, hd]); the others, outer to inner, are the
 * alternatives a fused projection needs ([3·H·hd] → the head digit of [3, H, hd], ViT's qkv).
 */
function pairings(merged: Digit, split: Digit[]): Digit[] {
  const nesting = split.filter((d) => d.n > 1 && nests(d, merged));
  const spanning = nesting.filter((d) => sameDim(d.extent, merged.extent));
  return [...spanning, ...nesting.filter((d) => !spanning.includes(d))];
}

/** From a merged axis to the digit it pairs with, on side `io`; a head size when asked from the input side. */
function digitLink(from: Digit, to: Digit, io: 'in' | 'out', asked: 'in' | 'out'): Link | string {
  const up = divDims(to.stride, from.stride);
  if (typeof up !== 'number') return `strides ${from.stride} and ${to.stride} do not nest`;
  const map: IndexMap = sameDim(to.extent, from.extent)
    ? up === 1
      ? identity
      : { kind: 'unblock', size: up }
    : { kind: 'digit', stride: up, radix: to.n };
  // Heads of one feature are plain channels (as a [H, 1] split is elsewhere): no head size.
  return { io, slot: 0, axis: to.axis, map, ...(asked === 'in' && up > 1 ? { headSize: up } : {}) };
}

/**
 * The link from `port` through a reshape with input dims `a` and output dims `b`, or a reason.
 * `choice` picks among the digits a merged axis may pair with (see `pairings`; 0 is the default).
 */
export function reshapeLink(
  a: readonly Dim[],
  b: readonly Dim[],
  port: Port,
  choice = 0,
): (Link & { alternatives?: number }) | string {
  const cs = chunks(a, b);
  if (typeof cs === 'string') return cs;
  const mineDims = port.io === 'in' ? a : b,
    otherDims = port.io === 'in' ? b : a;
  const chunk = cs.find((c) => {
    const [s, e] = port.io === 'in' ? c.a : c.b;
    return port.axis >= s && port.axis < e;
  });
  if (!chunk) return 'axis outside the reshaped dims';
  const mine = digits(mineDims, port.io === 'in' ? chunk.a : chunk.b);
  const other = digits(otherDims, port.io === 'in' ? chunk.b : chunk.a);
  const me = mine.find((d) => d.axis === port.axis);
  if (!me) return `channel count of dim ${mineDims[port.axis]} is unknown`;
  const io = port.io === 'in' ? ('out' as const) : ('in' as const);
  const channelled = (ds: Digit[]) => ds.filter((d) => d.n > 1);
  // One side merges what the other splits into several digits: which digit carries the channels is a choice.
  if (channelled(mine).length === 1 && channelled(mine)[0] === me && channelled(other).length > 1) {
    const options = pairings(me, other);
    if (options.length) {
      const link = digitLink(me, options[choice % options.length], io, port.io);
      return typeof link === 'string' ? link : { ...link, alternatives: options.length };
    }
  }
  if (channelled(other).length === 1 && channelled(mine).length > 1) {
    const merged = channelled(other)[0];
    const options = pairings(merged, mine);
    if (options.length) {
      const paired = options[choice % options.length];
      if (paired !== me)
        return `axis ${port.axis} is not the digit of [${mineDims.join(',')}] the merged axis pairs with`;
      // The pairing seen from the merged side, inverted; asked from the input side it carries the head
      // size either way (heads merged back into features: each head is `hd` features).
      const there = digitLink(merged, me, port.io, port.io);
      if (typeof there === 'string') return there;
      // Only features merge into heads: a merged axis that is not its value's last (repeat_kv's
      // [kv_heads, n_rep] → heads, followed by the sequence and head dims) groups heads, not features.
      const features = merged.axis === otherDims.length - 1;
      return {
        io,
        slot: 0,
        axis: merged.axis,
        map: invertMap(there.map),
        alternatives: options.length,
        ...(there.headSize && features ? { headSize: there.headSize } : {}),
      };
    }
  }
  const candidates = other.filter((d) => sameDim(d.extent, me.extent));
  const them = candidates.find((d) => d.n > 1) ?? candidates[0];
  if (!them) return `no axis on the other side spans the ${me.n} channels of axis ${port.axis}`;
  // A size-1 axis is no digit of the other side's index ([64] → [1, 64, 1, 1]: axis 0 is not "all 64
  // channels"); linking it with a block map would unite every channel of the other side.
  if (me.n === 1 && them.n > 1)
    return `axis ${port.axis} has size 1: it holds none of the ${them.n} channels of axis ${them.axis}`;
  if (sameDim(me.stride, them.stride)) return { io, slot: 0, axis: them.axis, map: identity };
  const up = divDims(them.stride, me.stride),
    down = divDims(me.stride, them.stride);
  if (typeof up === 'number')
    return {
      io,
      slot: 0,
      axis: them.axis,
      map: { kind: 'unblock', size: up },
      ...(port.io === 'in' ? { headSize: up } : {}),
    };
  if (typeof down === 'number') return { io, slot: 0, axis: them.axis, map: { kind: 'block', size: down } };
  return `strides ${me.stride} and ${them.stride} do not nest`;
}

function reshapeLinks(ctx: RuleContext, port: Port): RuleResult {
  if (port.io === 'in' && port.slot !== 0) return blocked('the shape input carries no channels');
  const a = ctx.shape('in', 0),
    b = ctx.shape('out', 0);
  if (!a || !b) return blocked('input or output shape unknown');
  const link = reshapeLink(a, b, port, ctx.choice);
  if (typeof link === 'string') return blocked(link);
  const { alternatives, ...linked } = link;
  const choices = alternatives ? { alternatives } : {};
  if (ctx.node.opType === 'Reshape') {
    const outAxis = port.io === 'out' ? port.axis : linked.axis;
    const inAxis = port.io === 'in' ? port.axis : linked.axis;
    const merged = typeof b[outAxis] === 'string';
    const e = ctx.shapeEntry(1, outAxis);
    const ok =
      (e.kind === 'literal' &&
        (e.value === -1 ||
          (e.value > 0 && !merged) ||
          (e.value === 0 && outAxis === inAxis && linked.map.kind === 'identity'))) ||
      (e.kind === 'fixed' &&
        (e.value === -1 || (e.value === 0 && outAxis === inAxis && linked.map.kind === 'identity'))) ||
      (e.kind === 'scaled' && (merged || e.from !== undefined)) ||
      (e.kind === 'dynamic' &&
        (e.piece || (e.from.value === ctx.node.inputs[0] && e.from.axis === inAxis && linked.map.kind === 'identity')));
    // The whole target read from another value's runtime shape (GroupNorm's reshape back to Shape(x)): that axis
    // has the output's size, so it is coupled to the output axis.
    if (!ok && e.kind === 'dynamic' && !e.piece) {
      const toOut = port.io === 'out' ? identity : linked.map;
      return { links: [linked, { io: 'in', slot: 0, axis: e.from.axis, value: e.from.value, map: toOut }], ...choices };
    }
    if (!ok)
      return blocked(
        `target entry ${outAxis} cannot be rewritten (${e.kind === 'unknown' ? e.reason : `${e.kind} entry`})`,
      );
  }
  return { links: [linked], ...choices };
}

export const reshapeRule: OpRule = {
  links: reshapeLinks,
  rewrite(ctx) {
    if (ctx.node.opType !== 'Reshape') return;
    for (const [axis, change] of ctx.changes('out', 0)) {
      const e = ctx.shapeEntry(1, axis);
      const sameAxis =
        e.kind === 'dynamic' &&
        !e.piece &&
        ctx.changesOf(e.from.value).get(e.from.axis)?.keep.length === change.keep.length;
      const needs = (e.kind === 'literal' && e.value > 0) || e.kind === 'scaled' || (e.kind === 'dynamic' && !sameAxis);
      let value = change.keep.length;
      if (e.kind === 'scaled' && e.from && typeof ctx.shape('out', 0)?.[axis] === 'number') {
        // runtime size × literal (kv_heads × n_rep): the runtime size adapts by itself, the literal takes the rest.
        const size =
          ctx.changesOf(e.from.value).get(e.from.axis)?.keep.length ??
          (ctx.shape('out', 0)![axis] as number) / e.factor;
        if (value % size !== 0)
          throw new Error(
            `entry ${axis} of the Reshape target of ${ctx.node.name} is ${e.from.value}[${e.from.axis}] ` +
              `× ${e.factor}, and ${value} is not a multiple of ${size}`,
          );
        value /= size;
        if (value === e.factor) continue;
      }
      if (needs && !ctx.setShapeEntry(1, axis, value)) {
        throw new Error(`cannot rewrite entry ${axis} of the Reshape target of ${ctx.node.name}`);
      }
    }
  },
};
