/** Pooling: windowed (MaxPool, AveragePool, LpPool) and global. */
import { attrInt, attrInts } from '../../ir/attrs.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { formatShape } from '../../shape/dims.js';
import type { ValueType } from '../../shape/types.js';
import type { OpType } from '../op-types.js';
import { windowOf, windowOutput } from '../spatial-dims.js';
import { typed } from '../shape-util.js';

function pool(ctx: OpContext): ValueType[] {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!x) return [unknown(missingReason(ctx, 0), dtype), unknown(missingReason(ctx, 0), 'int64')];
  if (!kernel || kernel.length !== x.length - 2) {
    ctx.problem(
      'pool-kernel',
      `${ctx.node.opType} kernel_shape ${kernel ? `[${kernel.join(',')}]` : 'missing'} does not fit ` +
        `input ${formatShape(x)}`,
    );
    return [unknown('pool kernel_shape invalid', dtype), unknown('pool kernel_shape invalid', 'int64')];
  }
  const spatial = windowOutput(ctx, x.slice(2), windowOf(ctx, kernel), attrInt(ctx.node, 'ceil_mode', 0) === 1);
  const shape = [x[0], x[1], ...spatial];
  return [typed(shape, dtype), typed([...shape], 'int64')];
}

function globalPool(ctx: OpContext): ValueType[] {
  const x = ctx.shape(0);
  if (!x) return [unknown(missingReason(ctx, 0), ctx.dtype(0))];
  return [typed([x[0], x[1], ...x.slice(2).map(() => 1)], ctx.dtype(0))];
}

export const poolRules = {
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
} satisfies Partial<Record<OpType, OpRule>>;
