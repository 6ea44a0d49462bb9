/** Pruners that change the model's interface (graph inputs and outputs) beyond what the plan changes. */
import { constantValue } from '../ir/constants.js';
import { attrInt } from '../ir/attrs.js';
import { takeAlong } from '../prune/slice.js';
import type { Fault } from './types.js';
import { pruneCorrectly, replaceStored } from './support.js';

export const outputFeaturesPruned: Fault = {
  id: 'output-features-pruned',
  bug:
    'The classifier (the layer producing a graph output) is pruned like any other layer: ' +
    'the model now predicts one class fewer, and the exported output declares the new width ' +
    '(Torch-Pruning without ignored_layers).',
  failureMode: 'shape-mismatch',
  caughtBy: ['interface-consistency'],
  guards: ['interface-consistency'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const { pruned } = pruneCorrectly(dense, plan);
    for (const out of pruned.graph.outputs) {
      const node = pruned.graph.nodes.find((n) => n.outputs.includes(out.name) && n.opType === 'Gemm');
      const w = node && constantValue(pruned.graph, node.inputs[1]);
      if (!node || !w || w.dims.length !== 2) continue;
      const axis = attrInt(node, 'transB', 0) === 1 ? 0 : 1;
      const n = w.dims[axis];
      if (n < 2 || !out.shape || typeof out.shape[1] !== 'number') continue;
      const keep = Array.from({ length: n - 1 }, (_, i) => i);
      replaceStored(pruned, node.inputs[1], takeAlong(w, axis, keep));
      const b = node.inputs[2] ? constantValue(pruned.graph, node.inputs[2]) : undefined;
      if (b && b.dims.length === 1 && b.dims[0] === n) replaceStored(pruned, node.inputs[2], takeAlong(b, 0, keep));
      out.shape = out.shape.map((d, i) => (i === 1 ? n - 1 : d));
    }
    return pruned;
  },
};

export const inputRenamed: Fault = {
  id: 'input-renamed',
  bug:
    "The pruned model is re-exported and its graph input gets the exporter's name (`x` becomes `input.1`): " +
    'the serving code that feeds `x` fails to bind it.',
  failureMode: 'shape-mismatch',
  caughtBy: ['interface-consistency'],
  guards: ['interface-consistency'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const { pruned } = pruneCorrectly(dense, plan);
    const input = pruned.graph.inputs.find((i) => !pruned.graph.initializers.has(i.name));
    if (!input) return pruned;
    const renamed = 'input.1';
    for (const node of pruned.graph.nodes) node.inputs = node.inputs.map((i) => (i === input.name ? renamed : i));
    input.name = renamed;
    return pruned;
  },
};
