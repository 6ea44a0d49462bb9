/** Resize/Upsample (scales or sizes, input layout per opset). */
import { attrFloats, attrInts } from '../../ir/attrs.js';
import { missingReason, normAxis, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { formatShape } from '../../shape/dims.js';
import type { ValueType } from '../../shape/types.js';
import type { OpType } from '../op-types.js';
import { typed } from '../shape-util.js';

/** Scales input index: Upsample-7 uses an attribute, Upsample-9 and Resize-10 input 1, Resize-11+ input 2. */
function resize(ctx: OpContext): ValueType[] {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), dtype)];
  const isUpsample = ctx.node.opType === 'Upsample';
  const legacy = isUpsample || ctx.opset < 11;
  const axes = legacy ? undefined : attrInts(ctx.node, 'axes');
  const axisList = axes ? axes.map((a) => normAxis(a, x.length)) : x.map((_, i) => i);
  if (axisList.some((a) => a === undefined)) return [unknown('Resize axes out of range', dtype)];
  const sizes = legacy ? undefined : ctx.has(3) ? ctx.value(3)?.values : undefined;
  const scales = isUpsample && ctx.opset < 9 ? attrFloats(ctx.node, 'scales') : ctx.value(legacy ? 1 : 2)?.values;
  const out = [...x];
  if (sizes && sizes.length > 0) {
    if (sizes.length !== axisList.length)
      ctx.problem('resize-sizes', `Resize sizes [${sizes.join(',')}] do not match ${formatShape(x)}`);
    // keep_aspect_ratio_policy (opset 18) other than stretch is not modelled: report unknown rather than guess.
    if (ctx.node.attributes.some((a) => a.name === 'keep_aspect_ratio_policy'))
      return [
        typed(
          x.map(() => null),
          dtype,
        ),
      ];
    axisList.forEach((a, k) => {
      out[a!] = sizes[k] ?? null;
    });
    return [typed(out, dtype)];
  }
  if (scales && scales.length > 0) {
    if (scales.length !== axisList.length)
      ctx.problem('resize-scales', `Resize scales [${scales.join(',')}] do not match ${formatShape(x)}`);
    axisList.forEach((a, k) => {
      const s = scales[k];
      const d = x[a!];
      // Runtime computes floor(dim * scale) in float32.
      out[a!] =
        typeof d === 'number' && typeof s === 'number'
          ? Math.floor(Math.fround(d * Math.fround(s)))
          : s === 1
            ? d
            : null;
    });
    return [typed(out, dtype)];
  }
  return [
    typed(
      x.map(() => null),
      dtype,
    ),
  ];
}

export const resizeRules = {
  Resize: resize,
  Upsample: resize,
} satisfies Partial<Record<OpType, OpRule>>;
