/**
 * Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze): the input and output
 * dims are cut into chunks of equal element count. The channel axis must lead
 * its chunk (only 1s before it); it then meets the leading axis of the other
 * side's chunk as identity (same size), block (Flatten: c ↔ c*HW..), or unblock
 * (features → heads: e ↔ e / hd). A Reshape target entry that must change has to
 * be a literal we can rewrite or a runtime size of the same axis.
 */
import { divDims, mulDims, sameDim } from '../../shape/dims.js';
import type { Dim } from '../../ir/types.js';
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
      const extendA = divDims(pb, pa) !== null && i < a.length;
      if (extendA) pa = mulDims(pa, a[i++]);
      else if (divDims(pa, pb) !== null && j < b.length) pb = mulDims(pb, b[j++]);
      else return `dims [${a.join(',')}] and [${b.join(',')}] do not factor`;
    }
    out.push({ a: [si, i], b: [sj, j] });
  }
  // Trailing 1s join the last chunk.
  while (i < a.length) { if (a[i++] !== 1) return 'trailing input dims are not 1'; out[out.length - 1].a[1] = i; }
  while (j < b.length) { if (b[j++] !== 1) return 'trailing output dims are not 1'; out[out.length - 1].b[1] = j; }
  return out;
}

function reshapeLinks(ctx: RuleContext, port: Port): RuleResult {
  if (port.io === 'in' && port.slot !== 0) return blocked('the shape input carries no channels');
  const a = ctx.shape('in', 0), b = ctx.shape('out', 0);
  if (!a || !b) return blocked('input or output shape unknown');
  const cs = chunks(a, b);
  if (typeof cs === 'string') return blocked(cs);
  const mine = port.io === 'in' ? a : b, other = port.io === 'in' ? b : a;
  const chunk = cs.find((c) => { const [s, e] = port.io === 'in' ? c.a : c.b; return port.axis >= s && port.axis < e; });
  if (!chunk) return blocked('axis outside the reshaped dims');
  const [ms] = port.io === 'in' ? chunk.a : chunk.b;
  const [os, oe] = port.io === 'in' ? chunk.b : chunk.a;
  for (let k = ms; k < port.axis; k++) if (mine[k] !== 1) return blocked(`the channel axis is merged under axis ${k} (dim ${mine[k]}) — an inner factor cannot be removed`);
  let t = os;
  while (t < oe - 1 && other[t] === 1) t++;
  const n = mine[port.axis], m = other[t];
  if (typeof n !== 'number' || typeof m !== 'number') return blocked('channel dims are not static');
  let link: Link;
  if (n === m) link = { io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: t, map: identity };
  else if (m % n === 0) link = { io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: t, map: { kind: 'block', size: m / n } };
  else if (n % m === 0) link = { io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: t, map: { kind: 'unblock', size: n / m }, ...(port.io === 'in' ? { headSize: n / m } : {}) };
  else return blocked(`${n} channels do not map onto dim ${m}`);
  if (ctx.node.opType === 'Reshape') {
    const outAxis = port.io === 'out' ? port.axis : t;
    const inAxis = port.io === 'in' ? port.axis : t;
    const e = ctx.shapeEntry(1, outAxis);
    if (e.kind === 'unknown') return blocked(`target entry ${outAxis} cannot be rewritten: ${e.reason}`);
    if (e.kind === 'literal' && e.value === 0 && (outAxis !== inAxis || link.map.kind !== 'identity')) return blocked(`target entry ${outAxis} is 0 (copy) on a changed axis`);
    if (e.kind === 'dynamic' && !(e.from.value === ctx.node.inputs[0] && e.from.axis === inAxis && link.map.kind === 'identity')) {
      return blocked(`target entry ${outAxis} is the runtime size of ${e.from.value} axis ${e.from.axis}`);
    }
  }
  return { links: [link] };
}

export const reshapeRule: OpRule = {
  links: reshapeLinks,
  rewrite(ctx) {
    if (ctx.node.opType !== 'Reshape') return;
    for (const [axis, change] of ctx.changes('out', 0)) {
      const e = ctx.shapeEntry(1, axis);
      if (e.kind === 'literal' && e.value > 0 && !ctx.setShapeEntry(1, axis, change.keep.length)) {
        throw new Error(`cannot rewrite entry ${axis} of the Reshape target of ${ctx.node.name}`);
      }
    }
  },
};
