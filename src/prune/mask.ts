/**
 * The mask oracle. `mask(dense, plan)` is the dense graph, same shapes, in which
 * every removed channel's contribution is zeroed *where it enters a consumer
 * weight*, and nothing else changes:
 *
 * - Conv: weight[:, c] (ConvTranspose: weight[c]); grouped conv: the weight
 *   position the channel reads; depthwise convs pass the channel on, not an entry.
 * - MatMul with a stored right operand: rows K = c; with a stored left operand: columns.
 * - Gemm: weight rows (transB = 0) or columns (transB = 1) of the contracted axis.
 * - Flatten/Reshape → Gemm: the whole block of features of channel c.
 * - Attention heads: the output projection's input rows of the removed head.
 *
 * Zeroing the producer instead is not enough: biases, BatchNorm shifts and
 * residual adds still carry a value through the removed channel. Zeroing at the
 * entries makes the masked graph compute exactly what the pruned graph computes,
 * provided nothing between producer and entry *mixes* channels. Where something
 * does (LayerNorm/RMSNorm/GroupNorm statistics or Softmax over the pruned axis, a
 * reduction over it, a product of two activations contracting it), the group is
 * `maskExact: false` and its reasons are listed instead of a false deviation.
 */
import { constantSource, constantValue, setConstant } from '../ir/constants.js';
import type { Model } from '../ir/types.js';
import { removedBySpace } from './apply.js';
import { analyzeGroups } from './groups.js';
import type { Plan } from './plan.js';
import { checkPlan } from './plan-resolve.js';
import { zeroAlong } from './slice.js';

export interface MaskResult {
  model: Model;
  /** Groups whose removal is not equivalent to this mask, with why. */
  inexact: { group: string; reasons: string[] }[];
  /** Number of (tensor, axis) entry slices zeroed. */
  zeroed: number;
}

export function mask(dense: Model, planInput: Plan | unknown): MaskResult {
  const analysis = analyzeGroups(dense);
  const { plan, removals } = checkPlan(analysis, planInput);
  const graph = analysis.model.graph;
  const index = analysis.prop.index;
  let zeroed = 0;
  for (const [s, removed] of removedBySpace(analysis, removals)) {
    if (!s.entry || !s.stored) continue;
    const src = constantSource(graph, s.value, index)!;
    const value = constantValue(graph, s.value, index)!;
    setConstant(graph, src, zeroAlong(value, s.axis, [...removed]));
    zeroed++;
  }
  const inexact = removals.filter((r) => !r.group.maskExact).map((r) => ({ group: r.group.id, reasons: r.group.inexact }));
  return { model: analysis.model, inexact, zeroed };
}
