/** Constants and value-producing ops: Constant, ConstantOfShape, Range, Cast, EyeLike, OneHot, NonZero. */
import { attrInt } from '../../ir/attrs.js';
import type { Dim, DType } from '../../ir/types.js';
import { tryDtypeFromOnnx } from '../../ir/dtype-codes.js';
import { constantNodeTensor } from '../../shape/constant-cache.js';
import { missingReason, normAxis, unknown, type OpRule } from '../../shape/context.js';
import { divDims, subDims } from '../../shape/dims.js';
import { castDim, MAX_FOLD_ELEMENTS, numElements, valueOfTensor } from '../../shape/values.js';
import type { OpType } from '../op-types.js';
import { sameAs, typed } from '../shape-util.js';

const constant: OpRule = (ctx) => {
  const t = constantNodeTensor(ctx.node);
  if (!t) return [unknown('Constant without a supported value attribute')];
  ctx.setTensor(0, t);
  return [{ dtype: t.dtype, shape: [...t.dims] }];
};

const constantOfShape: OpRule = (ctx) => {
  const fill = constantNodeTensor(ctx.node); // the cached decode of the 'value' attribute
  const dtype: DType = fill?.dtype ?? 'float32';
  const v = ctx.value(0);
  const s = ctx.shape(0);
  if (!v) {
    if (s?.length === 1 && typeof s[0] === 'number') return [typed(new Array<Dim>(s[0]).fill(null), dtype)];
    return [unknown(missingReason(ctx, 0), dtype)];
  }
  const dims = v.values;
  if (dims.every((d) => typeof d === 'number') && numElements(dims as number[]) <= MAX_FOLD_ELEMENTS) {
    const x = fill ? (valueOfTensor(fill)?.values[0] ?? 0) : 0;
    ctx.setValue(0, { dtype, dims: dims as number[], values: new Array<Dim>(numElements(dims as number[])).fill(x) });
  }
  return [typed([...dims], dtype)];
};

const range: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.value(i)?.values[0] ?? null);
  let n: Dim = null;
  if (typeof start === 'number' && typeof limit === 'number' && typeof delta === 'number' && delta !== 0) {
    n = Math.max(Math.ceil((limit - start) / delta), 0);
  } else if (start !== null && limit !== null && delta !== null) {
    // Symbolic bounds: exact when the span divides by the step (assumes a non-empty range).
    n = divDims(subDims(limit, start), delta);
  }
  if (
    typeof n === 'number' &&
    typeof start === 'number' &&
    typeof delta === 'number' &&
    dtype &&
    n <= MAX_FOLD_ELEMENTS
  ) {
    ctx.setValue(0, { dtype, dims: [n], values: Array.from({ length: n }, (_, i) => start + i * delta) });
  }
  return [typed([n], dtype)];
};

function cast(ctx: Parameters<OpRule>[0], to: DType | undefined) {
  const out = sameAs(ctx, 0, to);
  const v = ctx.value(0);
  if (v && to) ctx.setValue(0, { dtype: to, dims: v.dims, values: v.values.map((x) => castDim(x, to)) });
  return [out];
}

const oneHot: OpRule = (ctx) => {
  const idx = ctx.shape(0);
  const dtype = ctx.dtype(2);
  if (!idx) return [unknown(missingReason(ctx, 0), dtype)];
  const depth = ctx.value(1)?.values[0] ?? null;
  const axis = normAxis(attrInt(ctx.node, 'axis', -1), idx.length + 1);
  if (axis === undefined) return [unknown('OneHot axis out of range', dtype)];
  const out = [...idx];
  out.splice(axis, 0, typeof depth === 'number' ? Math.trunc(depth) : depth);
  return [typed(out, dtype)];
};

export const constantRules = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  Cast: (ctx) => cast(ctx, tryDtypeFromOnnx(attrInt(ctx.node, 'to'))),
  CastLike: (ctx) => cast(ctx, ctx.dtype(1)),
  EyeLike: (ctx) => [sameAs(ctx, 0, tryDtypeFromOnnx(attrInt(ctx.node, 'dtype')) ?? ctx.dtype(0))],
  OneHot: oneHot,
  /** Data-dependent: the count of non-zeros is not known statically. */
  NonZero: (ctx) => {
    const x = ctx.shape(0);
    return [x ? typed([x.length, null], 'int64') : unknown(missingReason(ctx, 0), 'int64')];
  },
} satisfies Partial<Record<OpType, OpRule>>;
