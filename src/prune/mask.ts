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
 * - q·k head_dim channels (contracted between two activations, q·kᵀ): every stored member, where they
 *   are produced (q_proj and k_proj columns, RoPE table columns; see head-dim.ts for when that is exact).
 *
 * - Integer weights (ConvInteger, QLinearConv, MatMulInteger, QLinearMatMul, int8 behind a
 *   DequantizeLinear): set to their zero point, per tensor or per channel, not to 0.
 *
 * Zeroing the producer instead is not enough: biases, BatchNorm shifts and
 * residual adds still carry a value through the removed channel. Zeroing at the
 * entries makes the masked graph compute exactly what the pruned graph computes,
 * provided nothing between producer and entry *mixes* channels. Where something
 * does (LayerNorm/RMSNorm/GroupNorm statistics or Softmax over the pruned axis, a
 * reduction over it, a product of two activations contracting it), the group is
 * `maskExact: false` and its reasons are listed instead of a false deviation.
 */
import { constantNodeValue, constantSource, constantValue, setConstant, type ConstantSource } from '../ir/constants.js';
import { flatView } from '../ir/flat-scopes.js';
import type { Model } from '../ir/types.js';
import { removedBySpace } from './apply.js';
import { analyzeGroups, type GroupAnalysis } from './groups.js';
import { copyModel } from './prepare.js';
import type { Plan } from './plan.js';
import { checkPlan } from './plan-resolve.js';
import { withoutLayers } from './layers.js';
import { planShapeIssues } from './plan-schema.js';
import { keptIndices, zeroAlong, zeroPointAlong } from './slice.js';
import { deferredTensor } from '../onnx/tensor-store.js';

export interface MaskResult {
  model: Model;
  /** Groups whose removal is not equivalent to this mask, with why. */
  inexact: { group: string; reasons: string[] }[];
  /** Number of (tensor, axis) entry slices zeroed. */
  zeroed: number;
  /**
   * KV-cache inputs/outputs the pruned model has fewer of: which positions it keeps (feed and compare through these).
   */
  cache: CacheSlice[];
}

/** Positions `removed` of axis `axis` of the cache value `name` are gone in the pruned model. */
export interface CacheSlice {
  name: string;
  axis: number;
  removed: number[];
  keep: Int32Array;
}

export interface MaskOptions {
  /**
   * A fresh analyzeGroups(dense) to reuse. It is left untouched (the mask is written into a
   * copy), so the same analysis can then be handed to prune(): one analysis per case.
   */
  analysis?: GroupAnalysis;
  /**
   * Zeroed tensors computed when read or saved, never kept (see deferredTensor): for an oracle that
   * goes straight to a file or an onnxruntime session, so it never holds a second copy of the weights.
   */
  deferred?: boolean;
}

/**
 * The mask oracle: `dense` with the plan's removed channels and heads zeroed instead of sliced (plan validated as by
 * prune).
 */
export function mask(dense: Model, planInput: Plan, options: MaskOptions = {}): MaskResult {
  // Removed layers are gone on both sides: the oracle is the dense model without them.
  const base = withoutLayers(dense, planShapeIssues(planInput).plan.layers);
  const analysis = (base.removed.length ? undefined : options.analysis) ?? analyzeGroups(base.model);
  const { removals } = checkPlan(analysis, planInput);
  const source = analysis.model;
  // Without a caller's analysis the analysis' own copy can be written; with one, write a copy of it.
  const model = options.analysis && !base.removed.length ? copyModel(source) : source;
  // Weights of every scope are looked up and written through flat views (the models themselves without subgraphs).
  const sourceView = analysis.prop.model;
  const view = model === source ? sourceView : flatView(model);
  const position = model === source ? undefined : new Map(sourceView.graph.nodes.map((n, i) => [n, i]));
  const index = analysis.prop.index;
  let zeroed = 0;
  const cache: CacheSlice[] = [];
  // q·k head_dim groups are zeroed where produced, in every stored member (see head-dim.ts).
  const atStored = removedBySpace(
    analysis,
    removals.filter((r) => r.group.zeroStored),
  );
  for (const [s, removed] of removedBySpace(analysis, removals)) {
    if (s.cache)
      cache.push({
        name: s.value,
        axis: s.axis,
        removed: [...removed].sort((a, b) => a - b),
        keep: keptIndices(s.n, removed),
      });
    const stored = atStored.get(s);
    if (!s.stored || (!s.entry && !stored)) continue;
    const src = constantSource(sourceView.graph, s.value, index)!;
    const target: ConstantSource =
      src.kind === 'constant-node' && position
        ? { kind: 'constant-node', node: view.graph.nodes[position.get(src.node)!] }
        : src;
    // Read what the copy holds now: an earlier space may already have zeroed part of the same tensor.
    const value =
      target.kind === 'initializer' ? view.graph.initializers.get(target.name)! : constantNodeValue(target.node)!;
    const zero = s.entry ? [...removed] : [...stored!];
    // An integer weight is masked to its zero point: (w - zero_point) × x is then 0.
    const zp = s.maskFill && constantValue(sourceView.graph, s.maskFill.value, index);
    if (s.maskFill && !zp) throw new Error(`zero point ${s.maskFill.value} of ${s.value} is not a constant`);
    const fill = () =>
      zp ? zeroPointAlong(value, s.axis, zero, zp, s.maskFill!.axis) : zeroAlong(value, s.axis, zero);
    const masked = options.deferred ? deferredTensor(value.dtype, [...value.dims], () => fill().data) : fill();
    setConstant(view.graph, target, masked);
    zeroed++;
  }
  const inexact = removals
    .filter((r) => !r.group.maskExact)
    .map((r) => ({ group: r.group.id, reasons: r.group.inexact }));
  return { model, inexact, zeroed, cache };
}
