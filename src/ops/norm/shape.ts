/** Normalizations; parameter lengths are checked against the normalized dims (a classic pruning miss). */
import { attrInt } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, normAxis, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { differentDims, formatShape, productDims } from '../../shape/dims.js';
import type { OpType } from '../op-types.js';
import { sameAs, typed } from '../shape-util.js';

/** Checks that inputs `slots` are 1-D of length `expected`. */
function checkParams(ctx: OpContext, rule: string, slots: number[], expected: Dim, what: string): void {
  for (const i of slots) {
    const s = ctx.shape(i);
    if (!s) continue;
    const len = s.length === 1 ? s[0] : productDims(s);
    if (s.length > 1 || differentDims(len, expected)) {
      ctx.problem(
        rule,
        `${ctx.node.opType} input ${i} (${ctx.node.inputs[i]}) has shape ${formatShape(s)}, expected [${expected}] ` +
          `(${what})`,
      );
    }
  }
}

const batchNorm: OpRule = (ctx) => {
  const x = ctx.shape(0);
  const out = sameAs(ctx, 0);
  if (!x) return [out];
  const c = x.length > 1 ? x[1] : 1;
  checkParams(ctx, 'batchnorm-params', [1, 2, 3, 4], c, 'channels');
  // Training-mode outputs (running mean/var) are per channel.
  return [out, typed([c], ctx.dtype(3) ?? out.dtype), typed([c], ctx.dtype(4) ?? out.dtype)];
};

const instanceNorm: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (x) checkParams(ctx, 'instancenorm-params', [1, 2], x[1], 'channels');
  return [sameAs(ctx, 0)];
};

const layerNorm: OpRule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x)
    return [unknown(missingReason(ctx, 0), dtype), unknown(missingReason(ctx, 0)), unknown(missingReason(ctx, 0))];
  const axis = normAxis(attrInt(ctx.node, 'axis', -1), x.length);
  if (axis === undefined) {
    ctx.problem(
      'layernorm-axis',
      `${ctx.node.opType} axis ${attrInt(ctx.node, 'axis', -1)} is out of range for ${formatShape(x)}`,
    );
    return [sameAs(ctx, 0)];
  }
  const normalized = x.slice(axis);
  for (const i of [1, 2]) {
    const s = ctx.shape(i);
    if (!s) continue;
    // Scale/bias broadcast unidirectionally to the normalized dims.
    const off = normalized.length - s.length;
    const bad = off < 0 || s.some((d, k) => d !== 1 && differentDims(d, normalized[off + k]));
    if (bad) {
      ctx.problem(
        'layernorm-params',
        `${ctx.node.opType} input ${i} (${ctx.node.inputs[i]}) has shape ${formatShape(s)}, ` +
          `normalized dims are ${formatShape(normalized)}`,
      );
    }
  }
  const stat = [...x.slice(0, axis), ...normalized.map(() => 1)];
  const statType = attrInt(ctx.node, 'stash_type', 1) === 1 ? 'float32' : dtype;
  return [sameAs(ctx, 0), typed(stat, statType), typed([...stat], statType)];
};

/** GroupNormalization: scale/bias are per group in opset 18, per channel from opset 21. */
const groupNorm: OpRule = (ctx) => {
  const x = ctx.shape(0);
  if (x) {
    const groups = attrInt(ctx.node, 'num_groups', 1);
    if (typeof x[1] === 'number' && x[1] % groups !== 0) {
      ctx.problem('groupnorm-groups', `GroupNormalization: ${x[1]} channels are not divisible by num_groups ${groups}`);
    }
    const perChannel = ctx.opset >= 21;
    checkParams(ctx, 'groupnorm-params', [1, 2], perChannel ? x[1] : groups, perChannel ? 'channels' : 'groups');
  }
  return [sameAs(ctx, 0)];
};

/** RMS norms (opset-23 RMSNormalization; onnxruntime's SimplifiedLayerNormalization adds inv_std_var). */
const rmsNorm: OpRule = (ctx) => {
  const [y, , invStd] = layerNorm(ctx);
  return ctx.node.opType === 'RMSNormalization' ? [y] : [y, invStd];
};

export const normRules = {
  BatchNormalization: batchNorm,
  InstanceNormalization: instanceNorm,
  LayerNormalization: layerNorm,
  GroupNormalization: groupNorm,
  RMSNormalization: rmsNorm,
  SimplifiedLayerNormalization: rmsNorm,
} satisfies Partial<Record<OpType, OpRule>>;
