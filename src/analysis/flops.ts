/**
 * Multiply-accumulates of the weight ops (Conv, ConvTranspose, Gemm, MatMul
 * with a stored operand) per example: what a FLOPs budget counts. Positions
 * along symbolic dims (a sequence length) count once, so transformer MACs are
 * per token; the batch axis never counts.
 */
import { constantValue } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import type { Model, Node } from '../ir/types.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';

const WEIGHT_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** Output positions one weight element is used at: the output's dims except batch and the channel axis. */
export function positionsOf(node: Node, shapes: ShapeResult): number {
  const out = shapes.values.get(node.outputs[0])?.shape;
  if (!out) return 1;
  const channelAxis = node.opType === 'Conv' || node.opType === 'ConvTranspose' ? 1 : out.length - 1;
  let n = 1;
  out.forEach((d, axis) => {
    if (axis === 0 || axis === channelAxis) return;
    if (typeof d === 'number') n *= d;
  });
  return n;
}

/** The stored weight operand of a weight op, if it has one. */
export function weightOf(node: Node, model: Model, index: GraphIndex): string | undefined {
  if (node.domain !== '' || !WEIGHT_OPS.has(node.opType)) return undefined;
  if (node.inputs[1] && constantValue(model.graph, node.inputs[1], index)) return node.inputs[1];
  if (node.opType === 'MatMul' && node.inputs[0] && constantValue(model.graph, node.inputs[0], index)) return node.inputs[0];
  return undefined;
}

export function weightMacs(model: Model, shapes: ShapeResult = inferShapes(model)): number {
  const index = indexGraph(model.graph);
  let macs = 0;
  for (const node of model.graph.nodes) {
    const w = weightOf(node, model, index);
    if (!w) continue;
    macs += numel(constantValue(model.graph, w, index)!.dims) * positionsOf(node, shapes);
  }
  return macs;
}
