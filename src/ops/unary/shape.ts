/** Ops whose output has the shape of their first input (activations, Clip, Dropout...). */
import type { Dim } from '../../ir/types.js';
import type { OpContext, OpRule } from '../../shape/context.js';
import { subDims } from '../../shape/dims.js';
import { broadcastValues } from '../../shape/values.js';
import type { OpType } from '../op-types.js';
import { sameAs } from '../shape-util.js';

/** Folds of small known values, so shape arithmetic such as Sqrt(Cast(dim)) stays known. */
const FOLD: Partial<Record<OpType, (x: number) => number>> = {
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Sqrt: Math.sqrt,
  Exp: Math.exp,
  Log: Math.log,
  Reciprocal: (x) => 1 / x,
  Sign: Math.sign,
  Relu: (x) => Math.max(x, 0),
  Not: (x) => (x ? 0 : 1),
  Round: (x) => {
    const f = Math.floor(x);
    const r = x - f;
    return r > 0.5 || (r === 0.5 && f % 2 !== 0) ? f + 1 : f;
  },
};

/** Symbolic dims are integers: rounding leaves them as they are (sizes through float arithmetic). */
const KEEPS_INTEGERS = new Set<OpType>(['Floor', 'Ceil', 'Round']);

function unary(op: OpType, bool = false): OpRule {
  const fold = FOLD[op];
  const symbolic = KEEPS_INTEGERS.has(op);
  return (ctx: OpContext) => {
    const out = sameAs(ctx, 0, bool ? 'bool' : undefined);
    const v = ctx.value(0);
    if (v && out.dtype) {
      const f =
        op === 'Identity'
          ? (xs: Dim[]) => xs[0]
          : op === 'Neg'
            ? (xs: Dim[]) => subDims(0, xs[0])
            : fold
              ? (xs: Dim[]) => (typeof xs[0] === 'number' ? fold(xs[0]) : symbolic ? xs[0] : null)
              : undefined;
      const folded = f && broadcastValues([v], out.dtype, f);
      if (folded) ctx.setValue(0, folded);
    }
    return [out];
  };
}

export const unaryRules = {
  Relu: unary('Relu'),
  LeakyRelu: unary('LeakyRelu'),
  Sigmoid: unary('Sigmoid'),
  HardSigmoid: unary('HardSigmoid'),
  HardSwish: unary('HardSwish'),
  Tanh: unary('Tanh'),
  Erf: unary('Erf'),
  Gelu: unary('Gelu'),
  Softmax: unary('Softmax'),
  LogSoftmax: unary('LogSoftmax'),
  Hardmax: unary('Hardmax'),
  Sqrt: unary('Sqrt'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Neg: unary('Neg'),
  Reciprocal: unary('Reciprocal'),
  Abs: unary('Abs'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Round: unary('Round'),
  Sign: unary('Sign'),
  Sin: unary('Sin'),
  Cos: unary('Cos'),
  Tan: unary('Tan'),
  Asin: unary('Asin'),
  Acos: unary('Acos'),
  Atan: unary('Atan'),
  Sinh: unary('Sinh'),
  Cosh: unary('Cosh'),
  Asinh: unary('Asinh'),
  Acosh: unary('Acosh'),
  Atanh: unary('Atanh'),
  Elu: unary('Elu'),
  Selu: unary('Selu'),
  Celu: unary('Celu'),
  Softplus: unary('Softplus'),
  Softsign: unary('Softsign'),
  Mish: unary('Mish'),
  ThresholdedRelu: unary('ThresholdedRelu'),
  Shrink: unary('Shrink'),
  Not: unary('Not', true),
  IsNaN: unary('IsNaN', true),
  IsInf: unary('IsInf', true),
  BitwiseNot: unary('BitwiseNot'),
  Identity: unary('Identity'),
  // Clip's min/max are attributes before opset 11 and scalar inputs after: either way the shape is X's.
  Clip: unary('Clip'),
  Trilu: unary('Trilu'),
  CumSum: unary('CumSum'),
  LpNormalization: unary('LpNormalization'),
  MeanVarianceNormalization: unary('MeanVarianceNormalization'),
  LRN: unary('LRN'),
  /** Output 1 (mask, opset 7+) is bool with X's shape. */
  Dropout: (ctx) => [sameAs(ctx, 0), sameAs(ctx, 0, 'bool')],
} satisfies Partial<Record<OpType, OpRule>>;
