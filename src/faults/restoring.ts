/**
 * The one mechanism most fault injectors share: prune correctly, then undo one part of it. A
 * real pruner with such a bug does every slice but one; putting the dense value of that one part
 * back into the correct result reproduces it exactly, with nothing else wrong.
 */
import type { Node } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';
import type { Fault } from './types.js';
import { pruneCorrectly, type Pruned, removedMembers, restoreDense } from './support.js';

/** Everything a fault declares except how it prunes. */
export type FaultSpec = Omit<Fault, 'prune'>;

/** Selects stored tensors (members of the removed groups) by the node that reads them. */
export type MemberPredicate = (node: Node, tensor: string) => boolean;

/**
 * A fault that forgets to slice the removed groups' members `forgets` selects: they keep their
 * dense value. `forgets` receives the correct pruning first, so it can look at the dense graph
 * (which projections sit on a skip path, which linear layers feed repeat_kv) once per case.
 */
export function restoringFault(spec: FaultSpec, forgets: (p: Pruned) => MemberPredicate): Fault {
  return {
    ...spec,
    prune(dense, plan) {
      const p = pruneCorrectly(dense, plan);
      restoreDense(p, removedMembers(p, forgets(p)));
      return p.pruned;
    },
  };
}

/**
 * A fault that prunes correctly and then edits the result (`undo` may change any part of
 * `p.pruned`, e.g. put an attribute, a shape constant or a graph declaration back).
 */
export function undoingFault(spec: FaultSpec, undo: (p: Pruned, plan: Plan) => void): Fault {
  return {
    ...spec,
    prune(dense, plan) {
      const p = pruneCorrectly(dense, plan);
      undo(p, plan);
      return p.pruned;
    },
  };
}
