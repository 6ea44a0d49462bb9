/** Activations, in the forms exporters write them (opset-dependent where ONNX changed). */
import type { BuilderCore, Value } from './core.js';
import { f } from './core.js';
import { fail, normAxis } from './dims.js';

type Named = { name?: string };

function unary(
  b: BuilderCore,
  opType: string,
  kind: string,
  x: Value,
  o: Named,
  attrs?: Parameters<BuilderCore['op']>[5],
): Value {
  return b.op(opType, kind, [x], x.dtype, x.shape, attrs, o.name);
}

export const relu = (b: BuilderCore, x: Value, o: Named = {}) => unary(b, 'Relu', 'relu', x, o);
export const sigmoid = (b: BuilderCore, x: Value, o: Named = {}) => unary(b, 'Sigmoid', 'sigmoid', x, o);
export const tanh = (b: BuilderCore, x: Value, o: Named = {}) => unary(b, 'Tanh', 'tanh', x, o);

export function leakyRelu(b: BuilderCore, x: Value, o: Named & { alpha?: number } = {}): Value {
  return unary(b, 'LeakyRelu', 'leakyrelu', x, o, { alpha: f(o.alpha ?? 0.01) });
}

/** Clip with min/max as inputs (opset >= 11). */
export function clip(b: BuilderCore, x: Value, o: Named & { min?: number; max?: number } = {}): Value {
  const name = b.nodeName('clip', o.name);
  const lo = o.min === undefined ? '' : b.scalar(name, 'min', o.min, x.dtype);
  const hi = o.max === undefined ? '' : b.scalar(name, 'max', o.max, x.dtype);
  const inputs = hi === '' ? (lo === '' ? [x] : [x, lo]) : [x, lo, hi];
  return b.node('Clip', inputs, { name, outputs: [{ dtype: x.dtype, shape: x.shape }] })[0];
}

export const relu6 = (b: BuilderCore, x: Value, o: Named = {}) =>
  clip(b, x, { min: 0, max: 6, name: o.name ?? b.nodeName('relu6') });

/** HardSigmoid; defaults to PyTorch's hardsigmoid (alpha 1/6, beta 0.5). */
export function hardSigmoid(b: BuilderCore, x: Value, o: Named & { alpha?: number; beta?: number } = {}): Value {
  return unary(b, 'HardSigmoid', 'hardsigmoid', x, o, { alpha: f(o.alpha ?? 1 / 6), beta: f(o.beta ?? 0.5) });
}

/** HardSwish op from opset 14; before that x * HardSigmoid(x) as exporters wrote it. */
export function hardSwish(b: BuilderCore, x: Value, o: Named = {}): Value {
  if (b.opset >= 14) return unary(b, 'HardSwish', 'hardswish', x, o);
  const name = b.nodeName('hardswish', o.name);
  return b.scoped(name, () => {
    const hs = hardSigmoid(b, x, {});
    return b.op('Mul', 'mul', [x, hs], x.dtype, x.shape);
  });
}

export interface GeluOptions extends Named {
  /** 'none' (default, exact Erf form) or 'tanh' (PyTorch approximate='tanh'). */
  approximate?: 'none' | 'tanh';
  /** 'decomposed' (default, as PyTorch exports) or 'op' (the Gelu op, opset >= 20). */
  form?: 'decomposed' | 'op';
}

/**
 * GELU. Decomposed exact form: x * 0.5 * (1 + erf(x / sqrt(2))) as Div/Erf/Add/Mul/Mul;
 * tanh form: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
 */
export function gelu(b: BuilderCore, x: Value, o: GeluOptions = {}): Value {
  const approximate = o.approximate ?? 'none';
  if (o.form === 'op') {
    if (b.opset < 20) fail(`gelu on ${x.name}: the Gelu op needs opset >= 20, the builder is at opset ${b.opset}`);
    return unary(b, 'Gelu', 'gelu', x, o, { approximate });
  }
  const name = b.nodeName('gelu', o.name);
  const { dtype, shape } = x;
  const k = (suffix: string, v: number) => b.scalar(name, suffix, v, dtype);
  return b.scoped(name, () => {
    if (approximate === 'tanh') {
      const cube = b.op('Pow', 'pow', [x, k('three', 3)], dtype, shape);
      const inner = b.op(
        'Add',
        'add',
        [x, b.op('Mul', 'mul', [cube, k('coef', 0.044715)], dtype, shape)],
        dtype,
        shape,
      );
      const th = b.op(
        'Tanh',
        'tanh',
        [b.op('Mul', 'mul', [inner, k('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], dtype, shape)],
        dtype,
        shape,
      );
      const onePlus = b.op('Add', 'add', [th, k('one', 1)], dtype, shape);
      return b.op('Mul', 'mul', [b.op('Mul', 'mul', [x, k('half', 0.5)], dtype, shape), onePlus], dtype, shape);
    }
    const div = b.op('Div', 'div', [x, k('sqrt2', Math.SQRT2)], dtype, shape);
    const erf = b.op('Erf', 'erf', [div], dtype, shape);
    const add = b.op('Add', 'add', [erf, k('one', 1)], dtype, shape);
    const mul = b.op('Mul', 'mul', [x, add], dtype, shape);
    return b.op('Mul', 'mul', [mul, k('half', 0.5)], dtype, shape);
  });
}

/** Softmax over `axis` (default -1). Before opset 13 Softmax flattens to 2-D, equal only for the last axis. */
export function softmax(b: BuilderCore, x: Value, o: Named & { axis?: number } = {}): Value {
  const axis = normAxis(o.axis ?? -1, x.shape.length, `softmax on ${x.name}`);
  if (b.opset < 13 && axis !== x.shape.length - 1) {
    fail(
      `softmax on ${x.name}: opset ${b.opset} Softmax flattens to 2-D; only the last axis is supported, ` +
        `got axis ${axis}`,
    );
  }
  return unary(b, 'Softmax', 'softmax', x, o, { axis: o.axis ?? -1 });
}
