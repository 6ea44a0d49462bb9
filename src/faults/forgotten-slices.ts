/** Pruners that slice the main weights but forget one more tensor or attribute coupled to them. */
import { attrInt, setAttrInt } from '../ir/attrs.js';
import type { Fault } from './types.js';
import { restoringFault, undoingFault } from './restoring.js';
import { storedWeight } from './support.js';

const LINEAR = new Set(['Conv', 'Gemm', 'MatMul', 'ConvTranspose']);

export const biasNotSliced: Fault = restoringFault(
  {
    id: 'bias-not-sliced',
    bug: "A layer's output channels are removed from its weight, but its bias keeps the old length.",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  () => (node, tensor) => (node.opType === 'Conv' || node.opType === 'Gemm') && node.inputs[2] === tensor,
);

export const consumerNotSliced: Fault = restoringFault(
  {
    id: 'consumer-not-sliced',
    bug:
      "A layer's output channels are removed, but the next layer keeps all its input channels " +
      '(the consumer is not traced).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  (p) => {
    const entries = new Set(
      p.removed.flatMap(({ group }) => group.members.filter((m) => m.entry).map((m) => m.tensor)),
    );
    return (node, tensor) => LINEAR.has(node.opType) && entries.has(tensor);
  },
);

export const depthwiseGroupNotUpdated: Fault = undoingFault(
  {
    id: 'depthwise-group-not-updated',
    bug:
      'A depthwise convolution loses channels from its weight, but its `group` attribute keeps the old channel ' +
      'count (Torch-Pruning and NNI have both shipped this).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['residual'],
    plans: { parts: ['channels'], everyGroup: true },
  },
  ({ dense, pruned }) => {
    const before = new Map(dense.graph.nodes.map((n) => [n.name, n]));
    for (const conv of pruned.graph.nodes.filter((n) => n.opType === 'Conv' && attrInt(n, 'group', 1) > 1)) {
      const old = before.get(conv.name);
      const w = storedWeight(pruned, conv.inputs[1]);
      if (old && w && w.dims[1] === 1) setAttrInt(conv, 'group', attrInt(old, 'group', 1));
    }
  },
);
