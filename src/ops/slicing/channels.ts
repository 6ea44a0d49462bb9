/**
 * Concat, Split and Slice. Along their axis the channels shift by an offset
 * (input k of a Concat starts at the sum of the sizes before it); on other axes
 * they behave like an elementwise op. Split sizes and Slice bounds are
 * rewritten from what is kept.
 */
import { attrInt, attrInts, hasAttr, removeAttr, setAttrInts } from '../../ir/attrs.js';
import { fromNumbers } from '../../ir/tensor.js';
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

function sizesAlong(ctx: RuleContext, io: 'in' | 'out', count: number, axis: number): number[] | string {
  const sizes: number[] = [];
  for (let k = 0; k < count; k++) {
    const d = ctx.shape(io, k)?.[axis];
    if (typeof d !== 'number') return `size of ${io}put ${k} along axis ${axis} is not static`;
    sizes.push(d);
  }
  return sizes;
}

function offsets(sizes: number[]): number[] {
  const o: number[] = [];
  let at = 0;
  for (const s of sizes) {
    o.push(at);
    at += s;
  }
  return o;
}

/** Many-to-one along `axis` (Concat: inputs → output; Split: outputs → input). */
function joinLinks(ctx: RuleContext, port: Port, manyIo: 'in' | 'out', many: number, axis: number): RuleResult {
  const oneIo = manyIo === 'in' ? 'out' : 'in';
  if (port.io === oneIo && port.slot !== 0) return blocked('not a data port');
  if (port.axis !== axis) {
    const links: Link[] = [{ io: oneIo, slot: 0, axis: port.axis, map: identity }];
    for (let k = 0; k < many; k++) links.push({ io: manyIo, slot: k, axis: port.axis, map: identity });
    return { links: links.filter((l) => !(l.io === port.io && l.slot === port.slot)) };
  }
  const sizes = sizesAlong(ctx, manyIo, many, axis);
  if (typeof sizes === 'string') return blocked(sizes);
  const off = offsets(sizes);
  if (port.io === manyIo)
    return { links: [{ io: oneIo, slot: 0, axis, map: { kind: 'offset', offset: off[port.slot] } }] };
  return { links: off.map((o, k) => ({ io: manyIo, slot: k, axis, map: { kind: 'offset', offset: -o } })) };
}

export const concatRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('out', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    return joinLinks(ctx, port, 'in', ctx.node.inputs.length, normAxis(attrInt(ctx.node, 'axis', 0), rank));
  },
};

export const splitRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    if (port.io === 'in' && port.slot !== 0) return blocked('split sizes carry no channels');
    return joinLinks(ctx, port, 'out', ctx.node.outputs.length, normAxis(attrInt(ctx.node, 'axis', 0), rank));
  },
  rewrite(ctx) {
    const rank = ctx.shape('in', 0)?.length ?? 0;
    const axis = normAxis(attrInt(ctx.node, 'axis', 0), rank);
    if (!ctx.changes('in', 0).has(axis)) return;
    const sizes = ctx.node.outputs.map(
      (_, k) => ctx.changes('out', k).get(axis)?.keep.length ?? (ctx.shape('out', k)?.[axis] as number),
    );
    if (hasAttr(ctx.node, 'split')) setAttrInts(ctx.node, 'split', sizes);
    else if (ctx.has(1)) ctx.setInput(1, fromNumbers('int64', [sizes.length], sizes));
    else {
      // opset 18 `num_outputs` needs equal parts; explicit sizes always work.
      removeAttr(ctx.node, 'num_outputs');
      ctx.node.inputs[1] = ctx.addConstant(
        `${ctx.node.name || ctx.node.outputs[0]}_split`,
        fromNumbers('int64', [sizes.length], sizes),
      );
    }
  },
};

/** Slice: [starts, ends, axes, steps] as inputs (opset ≥ 10) or attributes. */
function readInts(ctx: RuleContext, slot: number, attr: string): number[] | undefined {
  if (ctx.opset < 10) return attrInts(ctx.node, attr);
  if (!ctx.has(slot)) return undefined;
  const v = ctx.ints(slot);
  return v?.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

/**
 * The sliced axes when they are known even though the bounds are not: exporters slice
 * per-head constants ([1,H,T,T] masks) to the run-time sequence length with Shape-computed
 * bounds, but on constant axes that leave the head axis alone.
 */
function slicedAxes(ctx: RuleContext, rank: number): number[] | undefined {
  return readInts(ctx, 3, 'axes')?.map((a) => normAxis(a, rank));
}

function sliceParams(
  ctx: RuleContext,
  rank: number,
): { starts: number[]; ends: number[]; axes: number[]; steps: number[] } | string {
  const read = (slot: number, attr: string) => readInts(ctx, slot, attr);
  const starts = read(1, 'starts'),
    ends = read(2, 'ends');
  if (!starts || !ends) return 'starts/ends are not constants';
  const axes = (read(3, 'axes') ?? starts.map((_, i) => i)).map((a) => normAxis(a, rank));
  const steps = ctx.opset < 10 ? starts.map(() => 1) : (read(4, 'steps') ?? starts.map(() => 1));
  return { starts, ends, axes, steps };
}

function clampStart(v: number, dim: number): number {
  return Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
}

/**
 * A slice with step > 1 on the channel axis (GPT-J's `x[..., 0::2]` and `x[..., 1::2]`): output j reads
 * input start + j·step. Followed only when it picks one position of every block of `step` to the end
 * (0 ≤ start < step, step divides the axis): output j then meets block j whole, so removal takes whole
 * blocks (the pairs 2i, 2i+1 that interleaved RoPE rotates together) and the slice keeps its start and step.
 */
function stridedLinks(other: Port, port: Port, dim: number, start: number, end: number, step: number): RuleResult {
  const s = start < 0 ? start + dim : start;
  const e = Math.min(end < 0 ? end + dim : end, dim);
  if (step < 0) return blocked('slice step is negative on the channel axis');
  if (dim % step !== 0 || s < 0 || s >= step || e < dim - step + s + 1)
    return blocked(`slice [${start}:${end}:${step}] does not pick one position of every block of ${step}`);
  const map = port.io === 'in' ? ({ kind: 'unblock', size: step } as const) : ({ kind: 'block', size: step } as const);
  return { links: [{ ...other, map }] };
}

export const sliceRule: OpRule = {
  links(ctx, port) {
    const shape = ctx.shape('in', 0);
    if (!shape) return blocked('rank unknown');
    if (port.io === 'in' && port.slot !== 0) return blocked('slice bounds carry no channels');
    const other: Port =
      port.io === 'in' ? { io: 'out', slot: 0, axis: port.axis } : { io: 'in', slot: 0, axis: port.axis };
    const p = sliceParams(ctx, shape.length);
    if (typeof p === 'string') {
      const axes = slicedAxes(ctx, shape.length);
      return axes && !axes.includes(port.axis) ? { links: [{ ...other, map: identity }] } : blocked(p);
    }
    const k = p.axes.indexOf(port.axis);
    if (k < 0) return { links: [{ ...other, map: identity }] };
    const dim = shape[port.axis];
    if (typeof dim !== 'number') return blocked('sliced channel axis is not static');
    if (p.steps[k] !== 1) return stridedLinks(other, port, dim, p.starts[k], p.ends[k], p.steps[k]);
    const start = clampStart(p.starts[k], dim);
    return { links: [{ ...other, map: { kind: 'offset', offset: port.io === 'in' ? -start : start } }] };
  },
  rewrite(ctx) {
    const shape = ctx.shape('in', 0)!;
    const p = sliceParams(ctx, shape.length);
    if (typeof p === 'string') return;
    const starts = [...p.starts],
      ends = [...p.ends];
    let changed = false;
    p.axes.forEach((axis, k) => {
      const c = ctx.changes('in', 0).get(axis);
      if (!c) return;
      const dim = c.before;
      changed = true;
      if (p.steps[k] !== 1) {
        // Whole blocks of `step` went (stridedLinks): the same offset in every block, to the end.
        starts[k] = p.starts[k] < 0 ? p.starts[k] + dim : p.starts[k];
        ends[k] = c.keep.length;
        return;
      }
      const s = clampStart(p.starts[k], dim);
      const e = clampStart(Math.min(p.ends[k], dim), dim);
      let ns = 0,
        ne = 0;
      for (const i of c.keep) {
        if (i < s) ns++;
        if (i < e) ne++;
      }
      starts[k] = ns;
      ends[k] = ne;
    });
    if (!changed) return;
    if (ctx.opset < 10) {
      setAttrInts(ctx.node, 'starts', starts);
      setAttrInts(ctx.node, 'ends', ends);
      return;
    }
    ctx.setInput(1, fromNumbers('int64', [starts.length], starts));
    ctx.setInput(2, fromNumbers('int64', [ends.length], ends));
  },
};
