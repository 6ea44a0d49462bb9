/** Ops that compute or rearrange shapes: Shape, Size, Reshape, Flatten, Transpose, Expand, Tile, Pad. */
import { attrInt, attrInts, attrString } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { broadcastShapes } from '../../shape/broadcast.js';
import { missingReason, normAxis, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { addDims, divDims, formatShape, mulDims, productDims } from '../../shape/dims.js';
import { broadcastValues, MAX_FOLD_ELEMENTS, numElements } from '../../shape/values.js';
import { transposeValue } from '../fold.js';
import type { OpType } from '../op-types.js';
import { typed } from '../shape-util.js';

function clampIndex(i: number, r: number): number {
  return Math.min(Math.max(i < 0 ? i + r : i, 0), r);
}

/** Shape: the input's dims as a (possibly symbolic) vector; start/end from opset 15. */
const shape: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), 'int64')];
  const r = x.length;
  const dims = x.slice(clampIndex(attrInt(ctx.node, 'start', 0), r), clampIndex(attrInt(ctx.node, 'end', r), r));
  ctx.setValue(0, { dtype: 'int64', dims: [dims.length], values: dims });
  return [typed([dims.length], 'int64')];
};

const size: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (x) ctx.setValue(0, { dtype: 'int64', dims: [], values: [productDims(x)] });
  return [typed([], 'int64')];
};

/** The target shape of a Reshape/Expand/Tile, or its rank with unknown entries when only the length is known. */
function vectorInput(ctx: OpContext, i: number): Dim[] | undefined {
  const v = ctx.value(i);
  if (v) return v.values;
  const s = ctx.shape(i);
  return s?.length === 1 && typeof s[0] === 'number' ? new Array<Dim>(s[0]).fill(null) : undefined;
}

const reshape: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  // Before opset 5 the target is the `shape` attribute.
  const target = ctx.opset < 5 ? attrInts(ctx.node, 'shape') : vectorInput(ctx, 1);
  if (!target) return [unknown(missingReason(ctx, 1), dtype)];
  const allowZero = attrInt(ctx.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? (x ? (x[i] ?? null) : null) : d));
  const inferred = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (inferred.length > 1) {
    ctx.problem('reshape-target', `Reshape target [${target.join(',')}] has more than one -1`);
    return [unknown('Reshape target has several -1', dtype)];
  }
  const total = x ? productDims(x) : null;
  if (inferred.length === 1) {
    const rest = productDims(out.filter((_, i) => i !== inferred[0]));
    let d = total === null || rest === null ? null : divDims(total, rest);
    if (typeof total === 'number' && typeof rest === 'number' && (rest === 0 || total % rest !== 0)) {
      ctx.problem(
        'reshape-numel',
        `Reshape of ${formatShape(x)} (${total} elements) to [${target.join(',')}]: ${total} is not divisible ` +
          `by ${rest}`,
      );
      d = null;
    }
    out[inferred[0]] = d;
  } else if (typeof total === 'number') {
    const want = productDims(out);
    if (typeof want === 'number' && want !== total) {
      ctx.problem(
        'reshape-numel',
        `Reshape of ${formatShape(x)} (${total} elements) to ${formatShape(out)} (${want} elements)`,
      );
    }
  }
  const v = ctx.value(0);
  if (v && out.every((d) => typeof d === 'number') && numElements(out as number[]) === v.values.length) {
    ctx.setValue(0, { ...v, dims: out as number[] });
  }
  return [typed(out, dtype)];
};

const flatten: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
  const raw = attrInt(ctx.node, 'axis', 1);
  const axis = raw < 0 ? raw + x.length : raw;
  if (axis < 0 || axis > x.length) {
    ctx.problem('flatten-axis', `Flatten axis ${raw} is out of range for ${formatShape(x)}`);
    return [unknown('Flatten axis out of range', ctx.dtype(0))];
  }
  return [typed([productDims(x.slice(0, axis)), productDims(x.slice(axis))], ctx.dtype(0))];
};

const transpose: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
  const perm = attrInts(ctx.node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  if (
    perm.length !== x.length ||
    new Set(perm.map((p) => normAxis(p, x.length))).size !== x.length ||
    perm.some((p) => normAxis(p, x.length) === undefined)
  ) {
    ctx.problem(
      'transpose-perm',
      `Transpose perm [${perm.join(',')}] is not a permutation of the axes of ${formatShape(x)}`,
    );
    return [unknown('Transpose perm invalid', ctx.dtype(0))];
  }
  const axes = perm.map((p) => normAxis(p, x.length)!);
  const v = ctx.value(0);
  if (v && v.dims.length === axes.length) ctx.setValue(0, transposeValue(v, axes));
  return [
    typed(
      axes.map((a) => x[a]),
      ctx.dtype(0),
    ),
  ];
};

const expand: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const target = vectorInput(ctx, 1);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  if (!target) return [unknown(missingReason(ctx, 1), dtype)];
  const b = broadcastShapes([x, target]);
  for (const c of b.conflicts)
    ctx.problem('expand-incompatible', `Expand of ${formatShape(x)} to ${formatShape(target)} fails at axis ${c.axis}`);
  const v = ctx.value(0);
  if (v && target.every((d) => typeof d === 'number') && numElements(target as number[]) <= MAX_FOLD_ELEMENTS) {
    const ones = {
      dtype: v.dtype,
      dims: target as number[],
      values: new Array<Dim>(numElements(target as number[])).fill(0),
    };
    const folded = broadcastValues([v, ones], v.dtype, (xs) => xs[0]);
    if (folded) ctx.setValue(0, folded);
  }
  return [typed(b.output, dtype)];
};

const tile: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
  const reps = vectorInput(ctx, 1);
  if (reps && reps.length !== x.length)
    ctx.problem('tile-repeats', `Tile repeats [${reps.join(',')}] do not match rank of ${formatShape(x)}`);
  return [
    typed(
      x.map((d, i) => (reps ? mulDims(d, reps[i] ?? null) : null)),
      ctx.dtype(0),
    ),
  ];
};

/** Pad: pads attribute before opset 11, input after; axes input from opset 18. */
const pad: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
  const pads = ctx.opset < 11 ? (attrInts(ctx.node, 'pads') ?? attrInts(ctx.node, 'paddings')) : ctx.value(1)?.values;
  if (!pads)
    return [
      typed(
        x.map(() => null),
        ctx.dtype(0),
      ),
    ];
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.ints(3) : x.map((_, i) => i);
  if (!axes || pads.length !== 2 * axes.length) {
    ctx.problem('pad-length', `Pad has ${pads.length} pads for ${axes?.length ?? '?'} axes of ${formatShape(x)}`);
    return [
      typed(
        x.map(() => null),
        ctx.dtype(0),
      ),
    ];
  }
  const out = [...x];
  const reflect = (attrString(ctx.node, 'mode') ?? 'constant') === 'reflect';
  axes.forEach((a, k) => {
    const i = normAxis(a, x.length);
    if (i === undefined) return;
    out[i] = addDims(addDims(x[i], pads[k]), pads[k + axes.length]);
    // Reflection mirrors the input without its edge sample, so it needs more samples than it pads
    // (onnxruntime refuses the run otherwise: an audio front end padding by n_fft/2 on a short clip).
    const most = Math.max(Number(pads[k]), Number(pads[k + axes.length]));
    if (reflect && typeof x[i] === 'number' && most > 0 && x[i] <= most)
      ctx.problem('reflect-pad', `reflect Pad by ${most} needs axis ${i} longer than ${most}, got ${x[i]}`);
  });
  return [typed(out, ctx.dtype(0))];
};

function blocks(toSpace: boolean): OpRule {
  return (ctx) => {
    const x = ctx.shape(0);
    if (x?.length !== 4) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
    const b = attrInt(ctx.node, 'blocksize', 1);
    const [n, c, h, w] = x;
    return [
      typed(
        toSpace
          ? [n, divDims(c, b * b), mulDims(h, b), mulDims(w, b)]
          : [n, mulDims(c, b * b), divDims(h, b), divDims(w, b)],
        ctx.dtype(0),
      ),
    ];
  };
}

export const shapeOpRules = {
  Shape: shape,
  Size: size,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  DepthToSpace: blocks(true),
  SpaceToDepth: blocks(false),
} satisfies Partial<Record<OpType, OpRule>>;
