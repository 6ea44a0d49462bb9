/** Gather family and scatters. Gather on a known (possibly symbolic) vector is folded. */
import { attrInt } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, normAxis, unknown, type OpRule } from '../../shape/context.js';
import { formatShape } from '../../shape/dims.js';
import { numElements } from '../../shape/values.js';
import type { OpType } from '../op-types.js';
import { sameAs, typed } from '../shape-util.js';

const gather: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const idx = ctx.shape(1);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  if (!idx) return [unknown(missingReason(ctx, 1), dtype)];
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), x.length);
  if (axis === undefined) {
    ctx.problem('gather-axis', `Gather axis ${attrInt(ctx.node, 'axis', 0)} is out of range for ${formatShape(x)}`);
    return [unknown('Gather axis out of range', dtype)];
  }
  const out = [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
  const indices = ctx.ints(1);
  const n = x[axis];
  if (indices && typeof n === 'number') {
    const bad = indices.find((i) => i < -n || i >= n);
    if (bad !== undefined)
      ctx.problem('gather-index', `Gather index ${bad} is out of range for axis ${axis} of size ${n}`);
  }
  const v = ctx.value(0);
  if (v && indices && out.every((d) => typeof d === 'number')) {
    // General gather over the known values: out[pre, j, post] = v[pre, idx[j], post].
    const pre = numElements(v.dims.slice(0, axis));
    const post = numElements(v.dims.slice(axis + 1));
    const len = v.dims[axis];
    const values: Dim[] = [];
    for (let p = 0; p < pre; p++) {
      for (const raw of indices) {
        const i = raw < 0 ? raw + len : raw;
        for (let q = 0; q < post; q++) values.push(i >= 0 && i < len ? v.values[(p * len + i) * post + q] : null);
      }
    }
    ctx.setValue(0, { dtype: v.dtype, dims: out as number[], values });
  }
  return [typed(out, dtype)];
};

const gatherND: OpRule = (ctx) => {
  const x = ctx.shape(0);
  const idx = ctx.shape(1);
  if (!x || !idx) return [unknown(missingReason(ctx, x ? 1 : 0), ctx.dtype(0))];
  const b = attrInt(ctx.node, 'batch_dims', 0);
  const last = idx[idx.length - 1];
  if (typeof last !== 'number') return [unknown('GatherND index depth unknown', ctx.dtype(0))];
  return [typed([...idx.slice(0, -1), ...x.slice(b + last)], ctx.dtype(0))];
};

export const gatherRules = {
  Gather: gather,
  GatherElements: (ctx) => [sameAs(ctx, 1, ctx.dtype(0))],
  GatherND: gatherND,
  ScatterND: (ctx) => [sameAs(ctx, 0)],
  ScatterElements: (ctx) => [sameAs(ctx, 0)],
} satisfies Partial<Record<OpType, OpRule>>;
