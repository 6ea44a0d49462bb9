/** Conv, ConvTranspose and their quantized forms; checks channels against the weight. */
import { attrInt, attrInts } from '../../ir/attrs.js';
import type { Dim, DType } from '../../ir/types.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { differentDims, formatShape, mulDims } from '../../shape/dims.js';
import type { OpType } from '../op-types.js';
import { transposedOutput, windowOf, windowOutput } from '../spatial-dims.js';
import { typed } from '../shape-util.js';

interface Slots {
  x: number;
  w: number;
  b: number;
  dtype?: DType;
}

function checkBias(ctx: OpContext, b: number, channels: Dim): void {
  const bias = ctx.shape(b);
  if (bias && (bias.length !== 1 || differentDims(bias[0], channels))) {
    ctx.problem('conv-bias', `${ctx.node.opType} bias ${formatShape(bias)} does not match ${channels} output channels`);
  }
}

function conv(slots: Slots, transposed = false): OpRule {
  return (ctx) => {
    const dtype = slots.dtype ?? ctx.dtype(slots.x);
    const x = ctx.shape(slots.x);
    const w = ctx.shape(slots.w);
    if (!x) return [unknown(missingReason(ctx, slots.x), dtype)];
    if (!w) return [unknown(missingReason(ctx, slots.w), dtype)];
    if (x.length < 3 || w.length !== x.length) {
      ctx.problem(
        'conv-rank',
        `${ctx.node.opType} input ${formatShape(x)} and weight ${formatShape(w)} need the same rank >= 3`,
      );
      return [unknown('conv input/weight rank mismatch', dtype)];
    }
    const group = attrInt(ctx.node, 'group', 1);
    const kernel = attrInts(ctx.node, 'kernel_shape') ?? w.slice(2).map((d) => (typeof d === 'number' ? d : NaN));
    if (kernel.some((k) => !Number.isFinite(k))) return [unknown('conv kernel size unknown', dtype)];
    const win = windowOf(ctx, kernel);
    const inChannels = transposed ? w[0] : mulDims(w[1], group);
    if (differentDims(x[1], inChannels)) {
      ctx.problem(
        'conv-channels',
        `${ctx.node.opType} input has ${x[1]} channels, weight ${formatShape(w)} with ` +
          `group ${group} expects ${inChannels}`,
      );
    }
    const outChannels = transposed ? mulDims(w[1], group) : w[0];
    if (!transposed && typeof w[0] === 'number' && w[0] % group !== 0) {
      ctx.problem('conv-group', `${ctx.node.opType} ${w[0]} output channels are not divisible by group ${group}`);
    }
    if (ctx.has(slots.b)) checkBias(ctx, slots.b, outChannels);
    let spatial: Dim[];
    const outputShape = transposed ? attrInts(ctx.node, 'output_shape') : undefined;
    if (outputShape) spatial = outputShape.slice(-(x.length - 2));
    else if (transposed) spatial = transposedOutput(x.slice(2), win, attrInts(ctx.node, 'output_padding') ?? []);
    else spatial = windowOutput(ctx, x.slice(2), win);
    return [typed([x[0], outChannels, ...spatial], dtype)];
  };
}

export const convRules = {
  Conv: conv({ x: 0, w: 1, b: 2 }),
  ConvTranspose: conv({ x: 0, w: 1, b: 2 }, true),
  ConvInteger: conv({ x: 0, w: 1, b: -1, dtype: 'int32' }),
  QLinearConv: (ctx) => {
    const out = conv({ x: 0, w: 3, b: 8 })(ctx);
    const dt = ctx.dtype(7) ?? ctx.dtype(0);
    return [{ ...out[0], ...(dt ? { dtype: dt } : {}) }];
  },
} satisfies Partial<Record<OpType, OpRule>>;
