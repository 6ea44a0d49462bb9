/**
 * Broadcasting elementwise ops. Each records its broadcast signature (which input
 * axes are stretched) and reports incompatible dims as a problem. Small known
 * values are folded, since exporters do shape arithmetic with Add/Mul/Div/Where.
 */
import type { Dim, DType } from '../../ir/types.js';
import { broadcastShapes } from '../../shape/broadcast.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { addDims, differentDims, divDims, formatShape, mulDims, sameDim, subDims } from '../../shape/dims.js';
import type { SymbolicValue } from '../../shape/types.js';
import { broadcastValues } from '../../shape/values.js';
import type { OpType } from '../op-types.js';
import { intAttr, typed } from '../shape-util.js';

type Fold = (xs: Dim[], dtype: DType, ctx: OpContext) => Dim;
const num =
  (f: (a: number, b: number) => number): Fold =>
  ([a, b]) =>
    typeof a === 'number' && typeof b === 'number' ? f(a, b) : null;
const isInt = (d: DType) => d !== 'float32' && d !== 'float64' && d !== 'float16' && d !== 'bfloat16';

const FOLD: Partial<Record<OpType, Fold>> = {
  Add: ([a, b]) => addDims(a, b),
  Sub: ([a, b]) => subDims(a, b),
  Mul: ([a, b]) => mulDims(a, b),
  Div: ([a, b], dt) =>
    typeof a === 'number' && typeof b === 'number'
      ? isInt(dt)
        ? b === 0
          ? null
          : Math.trunc(a / b)
        : a / b
      : divDims(a, b),
  Pow: num((a, b) => a ** b),
  Mod: ([a, b], _dt, ctx) =>
    typeof a === 'number' && typeof b === 'number' && b !== 0
      ? intAttr(ctx, 'fmod', 0)
        ? a % b
        : ((a % b) + b) % b
      : null,
  Max: ([a, b]) => (sameDim(a, b) ? a : typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : null),
  Min: ([a, b]) => (sameDim(a, b) ? a : typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : null),
  Equal: ([a, b]) => (sameDim(a, b) ? 1 : differentDims(a, b) ? 0 : null),
  Less: num((a, b) => +(a < b)),
  LessOrEqual: num((a, b) => +(a <= b)),
  Greater: num((a, b) => +(a > b)),
  GreaterOrEqual: num((a, b) => +(a >= b)),
  And: num((a, b) => +(!!a && !!b)),
  Or: num((a, b) => +(!!a || !!b)),
  Xor: num((a, b) => +(!!a !== !!b)),
  Where: ([c, x, y]) => (c === null || typeof c === 'string' ? (sameDim(x, y) ? x : null) : c ? x : y),
};

const BOOL_OUT = new Set<string>(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor']);

function broadcasting(op: OpType, unidirectional = false): OpRule {
  return (ctx) => {
    const n = ctx.node.inputs.length;
    const dataIndex = op === 'Where' ? 1 : 0;
    const dtype: DType | undefined = BOOL_OUT.has(op) ? 'bool' : (ctx.dtype(dataIndex) ?? ctx.dtype(n - 1));
    const shapes: Dim[][] = [];
    for (let i = 0; i < n; i++) {
      const s = ctx.shape(i);
      if (!s) return [unknown(missingReason(ctx, i), dtype)];
      shapes.push(s);
    }
    const b = broadcastShapes(shapes, unidirectional);
    ctx.broadcast({
      mode: unidirectional ? 'unidirectional' : 'multidirectional',
      inputs: shapes.map((shape, i) => ({ name: ctx.node.inputs[i], shape })),
      output: b.output,
      axes: b.axes,
      ...(b.notes.length ? { notes: b.notes } : {}),
    });
    for (const c of b.conflicts) {
      ctx.problem(
        'broadcast-incompatible',
        `${op} cannot broadcast ${shapes.map(formatShape).join(' with ')}: output axis ${c.axis} has ` +
          `sizes ${c.dims.join(', ')}`,
      );
    }
    fold(ctx, op, n, dtype);
    return [typed(b.output, dtype)];
  };
}

function fold(ctx: OpContext, op: OpType, n: number, dtype: DType | undefined): void {
  const f = FOLD[op];
  if (!f || !dtype || (n !== 2 && op !== 'Where')) return;
  const vs: SymbolicValue[] = [];
  for (let i = 0; i < n; i++) {
    const v = ctx.value(i);
    if (!v) return;
    vs.push(v);
  }
  const folded = broadcastValues(vs, dtype, (xs) => f(xs, dtype, ctx));
  if (folded) ctx.setValue(0, folded);
}

/** Sum/Mean/Max/Min are variadic: fold pairwise only for two inputs; shapes broadcast across all. */
export const elementwiseRules = {
  Add: broadcasting('Add'),
  Sub: broadcasting('Sub'),
  Mul: broadcasting('Mul'),
  Div: broadcasting('Div'),
  Pow: broadcasting('Pow'),
  Mod: broadcasting('Mod'),
  Max: broadcasting('Max'),
  Min: broadcasting('Min'),
  Sum: broadcasting('Sum'),
  Mean: broadcasting('Mean'),
  Equal: broadcasting('Equal'),
  Less: broadcasting('Less'),
  LessOrEqual: broadcasting('LessOrEqual'),
  Greater: broadcasting('Greater'),
  GreaterOrEqual: broadcasting('GreaterOrEqual'),
  And: broadcasting('And'),
  Or: broadcasting('Or'),
  Xor: broadcasting('Xor'),
  BitShift: broadcasting('BitShift'),
  BitwiseAnd: broadcasting('BitwiseAnd'),
  BitwiseOr: broadcasting('BitwiseOr'),
  BitwiseXor: broadcasting('BitwiseXor'),
  Where: broadcasting('Where'),
  /** The slope broadcasts to X only (unidirectional); the output is X's shape. */
  PRelu: broadcasting('PRelu', true),
} satisfies Partial<Record<OpType, OpRule>>;
