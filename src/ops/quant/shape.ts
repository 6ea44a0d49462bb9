/** QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear: the data's shape, the quantized or real dtype. */
import { attrInt } from '../../ir/attrs.js';
import type { Dim, DType } from '../../ir/types.js';
import { tryDtypeFromOnnx } from '../../ir/dtype-codes.js';
import type { OpContext, OpRule } from '../../shape/context.js';
import type { ValueType } from '../../shape/types.js';
import type { OpType } from '../op-types.js';
import { sameAs, typed } from '../shape-util.js';

function quantize(ctx: OpContext): ValueType[] {
  // Output type: y_zero_point's, else output_dtype (opset 21), else uint8.
  const explicit = tryDtypeFromOnnx(attrInt(ctx.node, 'output_dtype', 0) || undefined);
  return [sameAs(ctx, 0, ctx.dtype(2) ?? explicit ?? 'uint8')];
}

function dequantize(ctx: OpContext): ValueType[] {
  const dt: DType = ctx.dtype(1) ?? 'float32';
  return [sameAs(ctx, 0, dt)];
}

const scalar = (dtype: DType): ValueType => typed([] as Dim[], dtype);

export const quantRules = {
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: (ctx) => [sameAs(ctx, 0, 'uint8'), scalar('float32'), scalar('uint8')],
} satisfies Partial<Record<OpType, OpRule>>;
