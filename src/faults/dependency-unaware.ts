/** Pruners that change one op without following its dependencies. */
import { attrInt } from '../ir/attrs.js';
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node } from '../ir/types.js';
import { takeAlong } from '../prune/slice.js';
import type { Fault } from './types.js';
import { pruneCorrectly, replaceStored } from './support.js';

const CHANNEL_WISE = new Set([
  'BatchNormalization',
  'Relu',
  'Clip',
  'HardSwish',
  'HardSigmoid',
  'Sigmoid',
  'LeakyRelu',
  'InstanceNormalization',
]);

/** Keeps only the first `keep` output channels of a Conv and of the per-channel ops right after it. */
function narrowConv(model: Model, conv: Node, keep: number[], until?: string): void {
  const index = indexGraph(model.graph);
  const slice = (name: string | undefined, axis: number) => {
    const v = name ? constantValue(model.graph, name, index) : undefined;
    if (name && v && v.dims.length > axis) replaceStored(model, name, takeAlong(v, axis, keep));
  };
  slice(conv.inputs[1], 0);
  slice(conv.inputs[2], 0);
  let value = conv.outputs[0];
  for (;;) {
    const uses = index.consumers.get(value) ?? [];
    if (uses.length !== 1 || !CHANNEL_WISE.has(uses[0].node.opType) || value === until) return;
    const node = uses[0].node;
    if (node.opType === 'BatchNormalization' || node.opType === 'InstanceNormalization')
      node.inputs.slice(1).forEach((n) => slice(n, 0));
    value = node.outputs[0];
  }
}

/** The Conv feeding input `slot` of `add` through per-channel ops only. */
function convBehind(model: Model, add: Node, slot: number): Node | undefined {
  const index = indexGraph(model.graph);
  let p = index.producer.get(add.inputs[slot]);
  while (p && CHANNEL_WISE.has(p.opType)) p = index.producer.get(p.inputs[0]);
  return p?.opType === 'Conv' ? p : undefined;
}

export const branchToOneChannel: Fault = {
  id: 'branch-pruned-to-one-channel',
  bug:
    'A dependency-unaware pruner cuts one branch of a residual Add down to a single channel and leaves the other ' +
    'branch whole: the Add then broadcasts [N,1,H,W] against [N,C,H,W] without any error.',
  failureMode: 'shape-mismatch',
  caughtBy: ['no-silent-broadcast', 'mask-equivalence'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const { pruned } = pruneCorrectly(dense, plan);
    for (const add of pruned.graph.nodes.filter((n) => n.opType === 'Add')) {
      const conv = convBehind(pruned, add, 0);
      const w = conv && constantValue(pruned.graph, conv.inputs[1]);
      if (!conv || !w || w.dims[0] < 2 || attrInt(conv, 'group', 1) !== 1) continue;
      narrowConv(pruned, conv, [0]);
      return pruned;
    }
    return pruned;
  },
};

export const groupedConvIndivisible: Fault = {
  id: 'grouped-conv-indivisible',
  bug:
    'A grouped convolution loses one output channel, so its output channels are no longer divisible by its ' +
    '`group` attribute.',
  failureMode: 'shape-mismatch',
  caughtBy: ['shape-consistency'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const { pruned } = pruneCorrectly(dense, plan);
    for (const conv of pruned.graph.nodes.filter((n) => n.opType === 'Conv' && attrInt(n, 'group', 1) > 1)) {
      const w = constantValue(pruned.graph, conv.inputs[1]);
      if (!w || w.dims[1] === 1 || w.dims[0] < 2) continue; // depthwise convs are coupled differently
      const keep = Array.from({ length: w.dims[0] - 1 }, (_, i) => i);
      const slice = (name: string | undefined) => {
        const v = name ? constantValue(pruned.graph, name) : undefined;
        if (name && v) replaceStored(pruned, name, takeAlong(v, 0, keep));
      };
      slice(conv.inputs[1]);
      slice(conv.inputs[2]);
      return pruned;
    }
    return pruned;
  },
};
