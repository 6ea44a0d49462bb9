/** Ops that cut and join tensors: Concat, Split, Slice, Squeeze, Unsqueeze. Known vectors are folded. */
import { attrInt, attrInts } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, normAxis, unknown, type OpRule } from '../../shape/context.js';
import { addDims, differentDims, divDims, formatShape, subDims } from '../../shape/dims.js';
import { gatherAxes, sliceIndices } from '../fold.js';
import type { OpType } from '../op-types.js';
import { allUnknown, axesOf, typed } from '../shape-util.js';

const concat: OpRule = (ctx) => {
  const n = ctx.node.inputs.length;
  const shapes: Dim[][] = [];
  const dtype = ctx.dtype(0);
  for (let i = 0; i < n; i++) {
    const s = ctx.shape(i);
    if (!s) return [unknown(missingReason(ctx, i), dtype)];
    shapes.push(s);
  }
  const rank = shapes[0].length;
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), rank);
  if (axis === undefined || shapes.some((s) => s.length !== rank)) {
    ctx.problem(
      'concat-rank',
      `Concat axis ${attrInt(ctx.node, 'axis', 0)} with inputs ${shapes.map(formatShape).join(', ')}`,
    );
    return [unknown('Concat inputs of different rank or bad axis', dtype)];
  }
  const out = [...shapes[0]];
  for (let i = 1; i < n; i++) {
    for (let a = 0; a < rank; a++) {
      if (a === axis) {
        out[a] = addDims(out[a], shapes[i][a]);
        continue;
      }
      if (differentDims(out[a], shapes[i][a])) {
        ctx.problem(
          'concat-dims',
          `Concat on axis ${axis}: input ${i} ${formatShape(shapes[i])} differs from ${formatShape(shapes[0])} at ` +
            `axis ${a}`,
        );
      } else if (out[a] === null || (typeof out[a] === 'string' && typeof shapes[i][a] === 'number'))
        out[a] = shapes[i][a];
    }
  }
  if (rank === 1) {
    const values: Dim[] = [];
    for (let i = 0; i < n; i++) {
      const v = ctx.value(i);
      if (!v) break;
      values.push(...v.values);
      if (i === n - 1 && dtype) ctx.setValue(0, { dtype, dims: [values.length], values });
    }
  }
  return [typed(out, dtype)];
};

/** Split sizes: `split` attribute before opset 13, input after; num_outputs from opset 18 (last chunk smaller). */
const split: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const k = ctx.node.outputs.length;
  if (!x) return allUnknown(ctx, missingReason(ctx, 0), dtype);
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), x.length);
  if (axis === undefined) return allUnknown(ctx, 'Split axis out of range', dtype);
  const d = x[axis];
  let sizes: Dim[] | undefined =
    ctx.opset >= 13 ? (ctx.has(1) ? ctx.value(1)?.values : undefined) : attrInts(ctx.node, 'split');
  if (ctx.opset >= 13 && ctx.has(1) && !sizes) sizes = new Array<Dim>(k).fill(null);
  if (!sizes) {
    if (typeof d === 'number' && ctx.opset >= 18 && d % k !== 0) {
      const chunk = Math.ceil(d / k);
      sizes = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
    } else {
      const each = divDims(d, k);
      if (typeof d === 'number' && each === null) ctx.problem('split-even', `Split of ${d} into ${k} equal parts`);
      sizes = new Array<Dim>(k).fill(each);
    }
  } else {
    if (sizes.length !== k) ctx.problem('split-count', `Split gives ${sizes.length} sizes for ${k} outputs`);
    const sum = sizes.reduce<Dim>((a, b) => addDims(a, b), 0);
    if (differentDims(sum, d))
      ctx.problem(
        'split-sum',
        `Split sizes [${sizes.join(',')}] sum to ${sum}, axis ${axis} of ${formatShape(x)} is ${d}`,
      );
  }
  return ctx.node.outputs.map((_, i) =>
    typed(
      x.map((v, a) => (a === axis ? (sizes![i] ?? null) : v)),
      dtype,
    ),
  );
};

/** One axis of a Slice with known start/end/step (start/end possibly symbolic). */
function sliceDim(d: Dim, start: Dim, end: Dim, step: number): Dim {
  const BIG = 2 ** 31;
  if (typeof start !== 'number' || typeof end !== 'number') {
    // Symbolic bounds (e.g. [key_len - q_len : key_len] of a causal-mask buffer): the length is
    // end - start assuming no clamping, kept only as a symbol; a bare number here could be wrong.
    if (
      step !== 1 ||
      start === null ||
      end === null ||
      (typeof start === 'number' && start < 0) ||
      (typeof end === 'number' && end < 0)
    )
      return null;
    const len = typeof end === 'number' && end >= BIG - 1 ? subDims(d, start) : subDims(end, start);
    return typeof len === 'string' ? len : null;
  }
  if (typeof d !== 'number') {
    if (d === null || step !== 1 || start < 0) return null;
    if (end >= BIG - 1) return start === 0 ? d : subDims(d, start);
    return null;
  }
  const clamp = (i: number, lo: number, hi: number) => Math.min(Math.max(i < 0 ? i + d : i, lo), hi);
  const s = step > 0 ? clamp(start, 0, d) : clamp(start, -1, d - 1);
  const e = step > 0 ? clamp(end, 0, d) : clamp(end, -1, d - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

const slice: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  const legacy = ctx.opset < 10;
  const starts: Dim[] | undefined = legacy ? attrInts(ctx.node, 'starts') : ctx.value(1)?.values;
  const ends: Dim[] | undefined = legacy ? attrInts(ctx.node, 'ends') : ctx.value(2)?.values;
  const axes = legacy ? attrInts(ctx.node, 'axes') : ctx.has(3) ? ctx.ints(3) : undefined;
  const steps = legacy ? undefined : ctx.has(4) ? ctx.ints(4) : undefined;
  if (!starts || !ends || (!legacy && ctx.has(3) && !axes) || (ctx.has(4) && !steps)) {
    // Bounds known only at run time: the rank is kept, sliced sizes are not known.
    return [
      typed(
        x.map(() => null),
        dtype,
      ),
    ];
  }
  const out = [...x];
  const ax = axes ?? starts.map((_, i) => i);
  const norm: { axis: number; start: Dim; end: Dim; step: number }[] = [];
  for (let k = 0; k < ax.length; k++) {
    const a = normAxis(ax[k], x.length);
    const step = steps?.[k] ?? 1;
    if (a === undefined || step === 0) {
      ctx.problem('slice-args', `Slice axis ${ax[k]} / step ${step} invalid for ${formatShape(x)}`);
      return [unknown('Slice arguments invalid', dtype)];
    }
    out[a] = sliceDim(x[a], starts[k], ends[k], step);
    norm.push({ axis: a, start: starts[k], end: ends[k], step });
  }
  // Known contents fold along every sliced axis (a 1-D shape vector, or torch's 2-D pad helper).
  const v = ctx.value(0);
  if (v && norm.every(({ start, end }) => typeof start === 'number' && typeof end === 'number')) {
    const perAxis = v.dims.map((n) => Array.from({ length: n }, (_, i) => i));
    for (const { axis, start, end, step } of norm)
      perAxis[axis] = sliceIndices(v.dims[axis], start as number, end as number, step);
    ctx.setValue(0, gatherAxes(v, perAxis));
  }
  return [typed(out, dtype)];
};

/** Squeeze: axes attribute before opset 13, input after; without axes every 1 goes. */
const squeeze: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  const axes = axesOf(ctx, 1, 13);
  if (axes === null) return [unknown('Squeeze axes not constant', dtype)];
  let drop: Set<number>;
  if (!axes) {
    if (x.some((d) => typeof d !== 'number'))
      return [unknown(`Squeeze without axes on ${formatShape(x)}: symbolic dims may be 1`, dtype)];
    drop = new Set(x.flatMap((d, i) => (d === 1 ? [i] : [])));
  } else {
    drop = new Set();
    for (const a of axes) {
      const n = normAxis(a, x.length);
      if (n === undefined || differentDims(x[n], 1)) {
        ctx.problem('squeeze-axis', `Squeeze axis ${a} of ${formatShape(x)} is not of size 1`);
        return [unknown('Squeeze axis invalid', dtype)];
      }
      drop.add(n);
    }
  }
  const out = x.filter((_, i) => !drop.has(i));
  const v = ctx.value(0);
  if (v) ctx.setValue(0, { ...v, dims: v.dims.filter((_, i) => !drop.has(i)) });
  return [typed(out, dtype)];
};

const unsqueeze: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  const axes = axesOf(ctx, 1, 13);
  if (!axes) return [unknown(axes === null ? 'Unsqueeze axes not constant' : 'Unsqueeze without axes', dtype)];
  const rank = x.length + axes.length;
  const at = new Set(axes.map((a) => normAxis(a, rank)));
  if (at.has(undefined) || at.size !== axes.length) {
    ctx.problem('unsqueeze-axis', `Unsqueeze axes [${axes.join(',')}] invalid for ${formatShape(x)}`);
    return [unknown('Unsqueeze axes invalid', dtype)];
  }
  const out: Dim[] = [];
  const dims: number[] = [];
  const v = ctx.value(0);
  for (let i = 0, j = 0; i < rank; i++) {
    if (at.has(i)) {
      out.push(1);
      dims.push(1);
    } else {
      out.push(x[j]);
      if (v) dims.push(v.dims[j]);
      j++;
    }
  }
  if (v) ctx.setValue(0, { ...v, dims });
  return [typed(out, dtype)];
};

export const slicingRules = {
  Concat: concat,
  Split: split,
  Slice: slice,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
} satisfies Partial<Record<OpType, OpRule>>;
