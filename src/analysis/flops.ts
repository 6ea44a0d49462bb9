/**
 * Multiply-accumulates of the weight ops (every op whose registry definition
 * declares weights and their positions: Conv, ConvTranspose, Gemm, MatMul,
 * Einsum with a stored operand) per example: what a FLOPs budget counts.
 * Positions along symbolic dims (a sequence length) count once, so transformer
 * MACs are per token; the batch axis never counts.
 */
import { constantValue } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import type { Model, Node } from '../ir/types.js';
import { opDef } from '../ops/registry.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';

/** The stored weight operand of a weight op (the first declared weight input that is stored), with its slot. */
export function weightInputOf(node: Node, model: Model, index: GraphIndex): { name: string; slot: number } | undefined {
  const def = opDef(node.opType, node.domain);
  if (!def?.positions) return undefined;
  for (const { slot } of def.weights?.(node) ?? []) {
    const name = node.inputs[slot];
    if (name && constantValue(model.graph, name, index)) return { name, slot };
    // QDQ: the weight is DequantizeLinear(stored int8), its elements are the stored ones.
    const dq = name ? index.producer.get(name) : undefined;
    if (
      dq?.opType === 'DequantizeLinear' &&
      dq.domain === '' &&
      dq.inputs[0] &&
      constantValue(model.graph, dq.inputs[0], index)
    )
      return { name: dq.inputs[0], slot };
  }
  return undefined;
}

/** The stored weight operand of a weight op, if it has one. */
export function weightOf(node: Node, model: Model, index: GraphIndex): string | undefined {
  return weightInputOf(node, model, index)?.name;
}

/** Output positions one element of the node's weight is used at (1 when the output shape is unknown). */
export function positionsOf(node: Node, shapes: ShapeResult, slot = 1): number {
  const out = shapes.values.get(node.outputs[0])?.shape;
  const positions = opDef(node.opType, node.domain)?.positions;
  return out && positions ? positions(node, slot, out) : 1;
}

/** Multiply-accumulates of the ops with a weight input at the inferred shapes. */
export function weightMacs(model: Model, shapes: ShapeResult = inferShapes(model)): number {
  const index = indexGraph(model.graph);
  let macs = 0;
  for (const node of model.graph.nodes) {
    const w = weightInputOf(node, model, index);
    if (!w) continue;
    macs += numel(constantValue(model.graph, w.name, index)!.dims) * positionsOf(node, shapes, w.slot);
  }
  return macs;
}
