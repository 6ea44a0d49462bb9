/**
 * The one table of pruning rules, keyed by ONNX op type (default domain). The
 * `satisfies` makes a listed op without a rule a type error; an op that is not
 * listed has no rule, and blocks every group that reaches it.
 */
import { concatRule, sliceRule, splitRule } from './concat-split.js';
import { convRule, convTransposeRule } from './conv.js';
import { einsumRule } from './einsum.js';
import { ELEMENTWISE_OPS, elementwiseRule } from './elementwise.js';
import { gemmRule, matmulRule } from './linear.js';
import { REDUCE_OPS, batchNormRule, groupNormRule, instanceNormRule, layerNormRule, reduceRule, softmaxRule } from './norm.js';
import { gatherRule, transposeRule } from './permute.js';
import { quantRule } from './quant.js';
import { reshapeRule } from './reshape.js';
import { POOL_OPS, constantRule, expandRule, padRule, poolRule, resizeRule, shapeReadRule } from './spatial.js';
import type { OpRule } from './types.js';
import { UNARY_OPS, unaryRule } from './unary.js';

type UnaryOp = (typeof UNARY_OPS)[number];
type ElementwiseOp = (typeof ELEMENTWISE_OPS)[number];
type ReduceOp = (typeof REDUCE_OPS)[number];
type PoolOp = (typeof POOL_OPS)[number];

export type PrunableOp =
  | UnaryOp | ElementwiseOp | ReduceOp | PoolOp
  | 'Conv' | 'ConvTranspose' | 'Gemm' | 'MatMul' | 'Einsum'
  | 'BatchNormalization' | 'InstanceNormalization' | 'LayerNormalization' | 'GroupNormalization'
  | 'Softmax' | 'LogSoftmax'
  | 'Reshape' | 'Flatten' | 'Squeeze' | 'Unsqueeze' | 'Transpose' | 'Gather'
  | 'Concat' | 'Split' | 'Slice'
  | 'Resize' | 'Upsample' | 'Pad' | 'Expand' | 'Tile'
  | 'Shape' | 'Size' | 'Constant'
  | 'QuantizeLinear' | 'DequantizeLinear';

const family = <K extends string>(ops: readonly K[], rule: OpRule) => Object.fromEntries(ops.map((o) => [o, rule])) as Record<K, OpRule>;

export const PRUNE_RULES = {
  ...family(UNARY_OPS, unaryRule),
  ...family(ELEMENTWISE_OPS, elementwiseRule),
  ...family(REDUCE_OPS, reduceRule),
  ...family(POOL_OPS, poolRule),
  Conv: convRule,
  ConvTranspose: convTransposeRule,
  Gemm: gemmRule,
  MatMul: matmulRule,
  Einsum: einsumRule,
  BatchNormalization: batchNormRule,
  InstanceNormalization: instanceNormRule,
  LayerNormalization: layerNormRule,
  GroupNormalization: groupNormRule,
  Softmax: softmaxRule,
  LogSoftmax: softmaxRule,
  Reshape: reshapeRule,
  Flatten: reshapeRule,
  Squeeze: reshapeRule,
  Unsqueeze: reshapeRule,
  Transpose: transposeRule,
  Gather: gatherRule,
  Concat: concatRule,
  Split: splitRule,
  Slice: sliceRule,
  Resize: resizeRule,
  Upsample: resizeRule,
  Pad: padRule,
  Expand: expandRule,
  Tile: expandRule,
  Shape: shapeReadRule,
  Size: shapeReadRule,
  Constant: constantRule,
  QuantizeLinear: quantRule,
  DequantizeLinear: quantRule,
} satisfies Record<PrunableOp, OpRule>;

/** The rule for a node, or undefined (the op blocks). */
export function ruleFor(opType: string, domain: string): OpRule | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return Object.hasOwn(PRUNE_RULES, opType) ? (PRUNE_RULES as Record<string, OpRule>)[opType] : undefined;
}
