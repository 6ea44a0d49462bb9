/** Pruners that slice the main path but forget to update something coupled to it. */
import { attrInts } from '../../ir/attrs.js';
import { constantValue } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import type { Model, Node } from '../../ir/types.js';
import type { Fault } from './types.js';
import { pruneCorrectly, removedMembers, restoreDense } from './support.js';

/** 1x1 convs on a skip path: feeding an Add (maybe through BatchNorm) from an input another Conv also reads. */
function projections(model: Model): Set<string> {
  const index = indexGraph(model.graph);
  const names = new Set<string>();
  for (const add of model.graph.nodes.filter((n) => n.opType === 'Add')) {
    for (const input of add.inputs) {
      let p = index.producer.get(input);
      const path: Node[] = [];
      if (p?.opType === 'BatchNormalization') {
        path.push(p);
        p = index.producer.get(p.inputs[0]);
      }
      if (p?.opType !== 'Conv') continue;
      const w = constantValue(model.graph, p.inputs[1], index);
      const oneByOne = (attrInts(p, 'kernel_shape') ?? w?.dims.slice(2) ?? []).every((k) => k === 1);
      const shared = (index.consumers.get(p.inputs[0]) ?? []).some((u) => u.node !== p && u.node.opType === 'Conv');
      if (oneByOne && shared) for (const n of [p, ...path]) names.add(n.name);
    }
  }
  return names;
}

export const skipProjectionNotUpdated: Fault = {
  id: 'skip-projection-not-updated',
  bug: "Channels of a residual block are removed on the main path, but the 1x1 projection on the skip path (and its BatchNorm) keep their old width (the seed's Apple Core ML incident).",
  failureMode: 'shape-mismatch',
  caughtBy: ['shape-consistency', 'no-silent-broadcast', 'mask-equivalence'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const proj = projections(p.analysis.model);
    restoreDense(
      p,
      removedMembers(p, (node) => proj.has(node.name)),
    );
    return p.pruned;
  },
};

export const batchNormNotSliced: Fault = {
  id: 'batchnorm-not-sliced',
  bug: 'Conv output channels are removed but the following BatchNormalization keeps its scale, bias, mean and variance at the old length.',
  failureMode: 'shape-mismatch',
  caughtBy: ['shape-consistency'],
  families: ['residual', 'normalization'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    restoreDense(
      p,
      removedMembers(p, (node) => node.opType === 'BatchNormalization'),
    );
    return p.pruned;
  },
};

export const layerNormNotSliced: Fault = {
  id: 'layernorm-not-sliced',
  bug: "Hidden features are removed but LayerNorm/RMSNorm scale and bias (as the op or as the exporter's Mul/Add after the Div) keep the old width.",
  failureMode: 'shape-mismatch',
  caughtBy: ['shape-consistency', 'no-silent-broadcast'],
  families: ['normalization'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const index = indexGraph(p.analysis.model.graph);
    const afterDiv = (node: Node) => node.inputs.some((i) => index.producer.get(i)?.opType === 'Div');
    restoreDense(
      p,
      removedMembers(
        p,
        (node) =>
          node.opType === 'LayerNormalization' || ((node.opType === 'Mul' || node.opType === 'Add') && afterDiv(node)),
      ),
    );
    return p.pruned;
  },
};

export const reshapeHeadsNotUpdated: Fault = {
  id: 'reshape-heads-not-updated',
  bug: "Attention heads are removed from the projections, but the Reshapes that split and merge heads keep the old head count and width (a constant shape, or the constant inside an exporter's Concat-built shape).",
  failureMode: 'shape-mismatch',
  caughtBy: ['shape-consistency'],
  families: ['attention'],
  plans: { parts: ['heads'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const before = p.analysis.model;
    const graph = p.pruned.graph;
    const denseNodes = new Map(before.graph.nodes.map((n) => [n.name, n]));
    const index = indexGraph(graph);
    for (const node of graph.nodes) {
      const feedsReshape =
        node.opType === 'Concat' &&
        node.outputs.some((o) =>
          (index.consumers.get(o) ?? []).some((u) => u.node.opType === 'Reshape' && u.slot === 1),
        );
      if (node.opType !== 'Reshape' && !feedsReshape) continue;
      const d = denseNodes.get(node.name);
      if (!d) continue;
      const slots = node.opType === 'Reshape' ? [1] : node.inputs.map((_, i) => i);
      for (const slot of slots) {
        const value = constantValue(before.graph, d.inputs[slot]);
        if (!value) continue;
        const name = `${d.inputs[slot]}__dense`;
        graph.initializers.set(name, value);
        node.inputs[slot] = name;
      }
    }
    return p.pruned;
  },
};
