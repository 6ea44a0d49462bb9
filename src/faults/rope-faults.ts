/** RoPE-pairing faults: head_dim pruned in q and k without the pairs the rotation couples. */
import { indexGraph } from '../ir/graph-index.js';
import type { Model } from '../ir/types.js';
import type { Fault } from './types.js';
import { pruneCorrectly, resliceWrongly } from './support.js';

const PROJECTIONS = new Set(['MatMul', 'Gemm', 'Einsum', 'Conv']);

/** Whether `tensor` is a projection weight (read by a matrix product), not a RoPE table. */
function isProjection(model: Model, tensor: string): boolean {
  return (indexGraph(model.graph).consumers.get(tensor) ?? []).some((u) => PROJECTIONS.has(u.node.opType));
}

export const ropeHalvesNotPaired: Fault = {
  id: 'rope-halves-not-paired',
  bug:
    "head_dim is pruned in q and k channel by channel, as if a head's channels were independent: with channel i " +
    "goes another head_dim channel instead of its RoPE partner (i + hd/2 for rotate_half, GPT-J's neighbour). The " +
    'tables are sliced right and every shape agrees, but each kept channel is rotated with the wrong partner.',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence'],
  families: ['rope'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    for (const { group, remove } of p.removed) {
      if (!group.id.endsWith('/head_dim_qk')) continue;
      const kept = [...Array(group.channels).keys()].filter((c) => !remove.includes(c));
      if (!kept.length) continue;
      for (const m of group.members) {
        if (!isProjection(dense, m.tensor)) continue;
        // A channel's positions in a projection, in order, alternate between the two halves of each pair (head by
        // head: i, partner). Each removed channel's partners are swapped for a kept channel's: the kept channel
        // loses its partner and the removed one keeps its own.
        const halves = (c: number) => [...m.indices[c]].sort((a, b) => a - b).filter((_, k) => k % 2 === 1);
        const swap = new Map<number, number>();
        remove.forEach((c, n) => {
          if (n >= kept.length) return; // one kept partner per removed channel: the count removed stays right
          const theirs = halves(kept[n]);
          halves(c).forEach((pos, k) => swap.set(pos, theirs[k]));
        });
        resliceWrongly(p, m.tensor, (mm, pos) => (mm === m ? (swap.get(pos) ?? pos) : pos));
      }
    }
    return p.pruned;
  },
};
