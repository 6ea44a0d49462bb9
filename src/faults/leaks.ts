/** Pruners whose shapes are right but whose numbers are not what removing the channels computes. */
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { copyModel } from '../prune/prepare.js';
import { zeroAlong } from '../prune/slice.js';
import type { Fault } from './types.js';
import { pruneCorrectly, replaceStored, resliceWrongly } from './support.js';

export const batchNormShiftLeaks: Fault = {
  id: 'batchnorm-shift-leaks',
  bug:
    "The pruner zeroes the removed filters (a soft mask) and ships that: each removed channel's BatchNorm shift " +
    '(beta - gamma·mean/√var) still reaches the next layer, so the masked model is not the compacted one ' +
    '(NNI/Torch-Pruning soft pruning).',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence'],
  families: ['residual', 'normalization'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const masked = copyModel(dense);
    const index = indexGraph(masked.graph);
    let leaked = false;
    for (const { group, remove } of p.removed) {
      for (const m of group.members) {
        const conv = masked.graph.nodes.find(
          (n) => n.opType === 'Conv' && (n.inputs[1] === m.tensor || n.inputs[2] === m.tensor),
        );
        const intoBn =
          conv && (index.consumers.get(conv.outputs[0]) ?? []).some((u) => u.node.opType === 'BatchNormalization');
        const value = constantValue(masked.graph, m.tensor, index);
        if (!conv || !intoBn || !value || m.axis !== 0) continue;
        replaceStored(
          masked,
          m.tensor,
          zeroAlong(
            value,
            0,
            remove.flatMap((c) => m.indices[c]),
          ),
        );
        leaked = true;
      }
    }
    return leaked ? masked : p.pruned;
  },
};

export const consumerSliceOffByOne: Fault = {
  id: 'consumer-slice-off-by-one',
  bug:
    "The producer loses channels c, but the consumer's input channels are removed at c+1 " +
    '(an index shifted between the two slices): right shapes, wrong features.',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    for (const { group } of p.removed) {
      const channelOf = (m: (typeof group.members)[number], pos: number) =>
        m.indices.findIndex((ix) => ix.includes(pos));
      for (const m of group.members.filter((mm) => mm.entry)) {
        resliceWrongly(p, m.tensor, (mm, pos) => {
          if (mm !== m) return pos;
          const c = channelOf(mm, pos);
          const j = mm.indices[c].indexOf(pos);
          return mm.indices[(c + 1) % group.channels][j] ?? pos;
        });
      }
    }
    return p.pruned;
  },
};
