/** Pruners that slice the main path but forget to update something coupled to it. */
import { attrInts } from '../ir/attrs.js';
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node } from '../ir/types.js';
import type { Fault } from './types.js';
import { restoringFault, undoingFault } from './restoring.js';
import { restoreReshapeTargets } from './support.js';

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

export const skipProjectionNotUpdated: Fault = restoringFault(
  {
    id: 'skip-projection-not-updated',
    bug:
      'Channels of a residual block are removed on the main path, but the 1x1 projection on the skip path ' +
      "(and its BatchNorm) keep their old width (the seed's Apple Core ML incident).",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'no-silent-broadcast', 'mask-equivalence'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  (p) => {
    const proj = projections(p.analysis.model);
    return (node) => proj.has(node.name);
  },
);

export const batchNormNotSliced: Fault = restoringFault(
  {
    id: 'batchnorm-not-sliced',
    bug:
      'Conv output channels are removed but the following BatchNormalization keeps its scale, bias, ' +
      'mean and variance at the old length.',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual', 'normalization'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  () => (node) => node.opType === 'BatchNormalization',
);

export const layerNormNotSliced: Fault = restoringFault(
  {
    id: 'layernorm-not-sliced',
    bug:
      'Hidden features are removed but LayerNorm/RMSNorm scale and bias ' +
      "(as the op or as the exporter's Mul/Add after the Div) keep the old width.",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'no-silent-broadcast'],
    families: ['normalization'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  (p) => {
    const index = indexGraph(p.analysis.model.graph);
    const afterDiv = (node: Node) => node.inputs.some((i) => index.producer.get(i)?.opType === 'Div');
    return (node) =>
      node.opType === 'LayerNormalization' || ((node.opType === 'Mul' || node.opType === 'Add') && afterDiv(node));
  },
);

export const reshapeHeadsNotUpdated: Fault = undoingFault(
  {
    id: 'reshape-heads-not-updated',
    bug:
      'Attention heads are removed from the projections, but the Reshapes that split and merge heads keep the ' +
      "old head count and width (a constant shape, or the constant inside an exporter's Concat-built shape).",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => restoreReshapeTargets(p, () => true),
);
