/** Reductions (axes as attribute or, from opset 13/18, as input), ArgMax/ArgMin, TopK. */
import { attrInt } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, normAxis, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { addDims, formatShape, mulDims } from '../../shape/dims.js';
import type { ValueType } from '../../shape/types.js';
import type { OpType } from '../op-types.js';
import { axesOf, typed } from '../shape-util.js';

function reduced(ctx: OpContext, x: Dim[], axes: number[], keep: boolean): Dim[] | undefined {
  const set = new Set<number>();
  for (const a of axes) {
    const n = normAxis(a, x.length);
    if (n === undefined) {
      ctx.problem('reduce-axis', `${ctx.node.opType} axis ${a} is out of range for ${formatShape(x)}`);
      return undefined;
    }
    set.add(n);
  }
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

function reduce(op: OpType): OpRule {
  const inputSince = op === 'ReduceSum' ? 13 : 18;
  return (ctx) => {
    const dtype = ctx.dtype(0);
    const x = ctx.shape(0);
    if (!x) return [unknown(missingReason(ctx, 0), dtype)];
    const keep = attrInt(ctx.node, 'keepdims', 1) === 1;
    let axes = axesOf(ctx, 1, inputSince);
    if (axes === null) {
      // Axes computed at run time: with keepdims every dim is itself or 1.
      return [
        keep
          ? typed(
              x.map((d) => (d === 1 ? 1 : null)),
              dtype,
            )
          : unknown('reduce axes not constant', dtype),
      ];
    }
    if (axes === undefined || axes.length === 0) {
      if (ctx.opset >= inputSince && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return [typed([...x], dtype)];
      axes = x.map((_, i) => i);
    }
    const out = reduced(ctx, x, axes, keep);
    if (!out) return [unknown('reduce axis out of range', dtype)];
    foldShapeReduce(ctx, op, out, dtype);
    return [typed(out, dtype)];
  };
}

/** ReduceProd/ReduceSum of a known 1-D vector (element counts in exported shape code). */
function foldShapeReduce(ctx: OpContext, op: OpType, out: Dim[], dtype: ValueType['dtype']): void {
  const v = ctx.value(0);
  if (!v || !dtype || v.dims.length !== 1 || (op !== 'ReduceProd' && op !== 'ReduceSum')) return;
  let acc: Dim = op === 'ReduceProd' ? 1 : 0;
  for (const d of v.values) acc = op === 'ReduceProd' ? mulDims(acc, d) : addDims(acc, d);
  ctx.setValue(0, { dtype, dims: out as number[], values: [acc] });
}

const argReduce: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), 'int64')];
  const out = reduced(ctx, x, [attrInt(ctx.node, 'axis', 0)], attrInt(ctx.node, 'keepdims', 1) === 1);
  return [out ? typed(out, 'int64') : unknown('arg-reduce axis out of range', 'int64')];
};

/** TopK: k is an attribute before opset 10, an input after. */
const topK: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), dtype), unknown(missingReason(ctx, 0), 'int64')];
  const axis = normAxis(attrInt(ctx.node, 'axis', -1), x.length);
  if (axis === undefined) return [unknown('TopK axis out of range', dtype), unknown('TopK axis out of range', 'int64')];
  const kv = ctx.opset >= 10 ? ctx.value(1)?.values[0] : attrInt(ctx.node, 'k');
  const k: Dim = kv === undefined ? null : kv;
  if (typeof k === 'number' && typeof x[axis] === 'number' && k > (x[axis] as number)) {
    ctx.problem('topk-k', `TopK k=${k} exceeds axis ${axis} of ${formatShape(x)}`);
  }
  const out = x.map((d, i) => (i === axis ? k : d));
  return [typed(out, dtype), typed([...out], 'int64')];
};

export const reduceRules = {
  ReduceMean: reduce('ReduceMean'),
  ReduceSum: reduce('ReduceSum'),
  ReduceMax: reduce('ReduceMax'),
  ReduceMin: reduce('ReduceMin'),
  ReduceProd: reduce('ReduceProd'),
  ReduceL1: reduce('ReduceL1'),
  ReduceL2: reduce('ReduceL2'),
  ReduceLogSum: reduce('ReduceLogSum'),
  ReduceLogSumExp: reduce('ReduceLogSumExp'),
  ReduceSumSquare: reduce('ReduceSumSquare'),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
} satisfies Partial<Record<OpType, OpRule>>;
