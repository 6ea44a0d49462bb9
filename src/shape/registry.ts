/**
 * The shape rule of every supported default-domain op, one family per file under ops/.
 * `satisfies Record<OpType, OpRule>` makes a missing or misspelled rule a type error.
 */
import type { OpRule } from './context.js';
import { constantRules } from './ops/constant.js';
import { convRules } from './ops/conv.js';
import { elementwiseRules } from './ops/elementwise.js';
import { gatherRules } from './ops/gather.js';
import { matmulRules } from './ops/matmul.js';
import { normRules } from './ops/norm.js';
import type { OpType } from './ops/op-types.js';
import { poolRules } from './ops/pool.js';
import { reduceRules } from './ops/reduce.js';
import { resizeRules } from './ops/resize.js';
import { shapeOpRules } from './ops/shape-ops.js';
import { slicingRules } from './ops/slicing.js';
import { unaryRules } from './ops/unary.js';

export const OP_RULES = {
  ...unaryRules, ...elementwiseRules, ...convRules, ...poolRules, ...normRules, ...reduceRules,
  ...matmulRules, ...shapeOpRules, ...slicingRules, ...gatherRules, ...constantRules, ...resizeRules,
} satisfies Record<OpType, OpRule>;

export function supportedOps(): string[] {
  return Object.keys(OP_RULES).sort();
}
