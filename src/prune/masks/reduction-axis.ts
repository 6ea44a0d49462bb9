/**
 * The reduction axis of a weight: the axis its consumer sums over. N:M groups
 * run along it, because that is the axis sparse tensor cores compress.
 *
 * Conventions, checked against the reference implementations:
 * - Conv weight [O, I/g, kh, kw] → axis 1 (input channels). Groups of M are M
 *   consecutive input channels at a fixed (o, kh, kw), *not* M consecutive
 *   elements of the flattened I*kh*kw. This is what NVIDIA ASP does: for a 4-D
 *   weight it permutes to [kh, kw, O, I], views it as (kh*kw*O, I) and applies
 *   m4n2_1d along I (NVIDIA/apex apex/contrib/sparsity/sparse_masklib.py,
 *   `create_mask`; the comment in asp.py reads "For Conv2d dim= K x CRS; we
 *   prune along C"). Because ONNX stores the weight [O, I, kh, kw], those
 *   groups are strided in memory (stride kh*kw), which `nmLines` handles.
 *   PyTorch's `to_sparse_semi_structured` accepts 2-D tensors only, so it has
 *   no convention of its own for conv.
 * - MatMul: the weight as B [.., K, N] → axis rank-2 (K); as A [.., M, K] → last.
 * - Gemm: B is [K, N] (transB=0 → axis 0) or [N, K] (transB=1 → axis 1);
 *   A is [M, K] (transA=0 → axis 1) or [K, M] (transA=1 → axis 0).
 * - Einsum: the one label of the weight's term that is summed away against the
 *   other operand ('bte,ehd->bthd' → axis 0). A kernel contracted over two labels
 *   ('bqhd,hde->bqe') has no single axis and is refused.
 * Anything else (ConvTranspose, bias slots, a weight fed through
 * DequantizeLinear, ...) is refused: a guessed axis would make a "conformant"
 * pattern that no kernel can use.
 */
import { PruneguardError } from '../../errors.js';
import { aliasesOf, constantSource, constantValue, type ConstantSource } from '../../ir/constants.js';
import { indexGraph, type GraphIndex } from '../../ir/graph-index.js';
import type { Model, Node, Tensor } from '../../ir/types.js';
import { opDef } from '../../ops/registry.js';

export interface ReductionAxis {
  /** Axis of the stored tensor that the consumer reduces over. */
  axis: number;
  /** The (first) consuming node; every consumer agrees on `axis`. */
  consumer: Node;
  /** Input slot of the weight in `consumer`. */
  slot: number;
}

/** The constant behind `tensor` (through Identity), or a clear error naming it. */
export function resolveWeight(
  model: Model,
  tensor: string,
  index: GraphIndex = indexGraph(model.graph),
): { source: ConstantSource; value: Tensor; root: string } {
  const source = constantSource(model.graph, tensor, index);
  const value = source && constantValue(model.graph, tensor, index);
  if (!source || !value) {
    throw new PruneguardError(
      'E_UNKNOWN_TENSOR',
      `'${tensor}' is not a constant (initializer or Constant node, possibly through Identity) ` +
        `of graph '${model.graph.name}'`,
    );
  }
  const root = source.kind === 'initializer' ? source.name : source.node.outputs[0];
  return { source, value, root };
}

/** The reduction axis of the weight `tensor` for a given use, or undefined if the op is not understood. */
function axisForUse(node: Node, slot: number, rank: number): number | undefined {
  const weight = opDef(node.opType, node.domain)
    ?.weights?.(node)
    .find((w) => w.slot === slot);
  return weight?.reductionAxis(rank);
}

/**
 * Finds the reduction axis of a weight from its consumers.
 * @throws PruneguardError E_UNKNOWN_TENSOR when `tensor` is not a constant;
 *   E_PRUNE_BLOCKED when it has no consumer, a consumer whose reduction axis is
 *   not known, or consumers that disagree on the axis.
 * @example reductionAxis(model, 'fc.weight') // { axis: 1, consumer: <Gemm transB=1>, slot: 1 }
 */
export function reductionAxis(
  model: Model,
  tensor: string,
  index: GraphIndex = indexGraph(model.graph),
): ReductionAxis {
  const { value, root } = resolveWeight(model, tensor, index);
  const rank = value.dims.length;
  let found: ReductionAxis | undefined;
  for (const name of aliasesOf(root, index)) {
    for (const use of index.consumers.get(name) ?? []) {
      if (use.node.opType === 'Identity' && use.node.domain === '') continue;
      const axis = axisForUse(use.node, use.slot, rank);
      const what =
        `'${tensor}' [${value.dims.join(',')}] feeds ${use.node.opType} '${use.node.name}' at ` + `input ${use.slot}`;
      if (axis === undefined) {
        throw new PruneguardError(
          'E_PRUNE_BLOCKED',
          `${what}: no known reduction axis for this use (known: Conv weight, MatMul A/B, Gemm A/B, ` +
            `an Einsum operand contracted over one label)`,
        );
      }
      if (found && found.axis !== axis) {
        throw new PruneguardError(
          'E_PRUNE_BLOCKED',
          `${what} (reduction axis ${axis}) but also ${found.consumer.opType} '${found.consumer.name}' ` +
            `(axis ${found.axis}): no single N:M axis; un-share the weight first`,
        );
      }
      found ??= { axis, consumer: use.node, slot: use.slot };
    }
  }
  if (!found)
    throw new PruneguardError('E_PRUNE_BLOCKED', `'${tensor}' has no consumer: its reduction axis is undefined`);
  return found;
}
