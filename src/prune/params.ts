/**
 * Parameter count: elements of stored constants (initializers and Constant nodes)
 * that are floating point (fp32, fp64, fp16, bf16), plus integer ones that are
 * quantized weights: read at a weight input the op registry declares (ConvInteger,
 * QLinearConv, MatMulInteger, QLinearMatMul) or dequantized by DequantizeLinear (QDQ).
 */
import { constantNodeValue, constantSource } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { isFloating, numel } from '../ir/tensor.js';
import { storedWeights } from '../ir/weights.js';
import type { Model } from '../ir/types.js';
import { opDef } from '../ops/registry.js';

/** Stored names (initializer, or a Constant node's output) of integer constants that are quantized weights. */
export function quantizedWeights(model: Model): Set<string> {
  const graph = model.graph;
  const index = indexGraph(graph);
  const out = new Set<string>();
  for (const node of graph.nodes) {
    const def = opDef(node.opType, node.domain);
    const slots = node.opType === 'DequantizeLinear' && def ? [0] : (def?.weights?.(node) ?? []).map((w) => w.slot);
    for (const slot of slots) {
      const src = node.inputs[slot] ? constantSource(graph, node.inputs[slot], index) : undefined;
      if (!src) continue;
      const t = src.kind === 'initializer' ? graph.initializers.get(src.name) : constantNodeValue(src.node);
      if (t && !isFloating(t.dtype) && t.dtype !== 'string' && t.dtype !== 'bool')
        out.add(src.kind === 'initializer' ? src.name : src.node.outputs[0]);
    }
  }
  return out;
}

export function countParams(model: Model): number {
  const quantized = quantizedWeights(model);
  let n = 0;
  for (const [name, t] of model.graph.initializers)
    if (!model.graph.runtimeInputs?.has(name) && (isFloating(t.dtype) || quantized.has(name))) n += numel(t.dims);
  for (const node of model.graph.nodes) {
    if (node.opType !== 'Constant' || node.domain !== '') continue;
    const t = constantNodeValue(node);
    if (t && (isFloating(t.dtype) || quantized.has(node.outputs[0]))) n += numel(t.dims);
  }
  // Weights held inside If branches and Loop/Scan bodies count too (see ir/weights.ts).
  for (const w of storedWeights(model)) if (w.scope.length > 0) n += numel(w.tensor.dims);
  return n;
}
