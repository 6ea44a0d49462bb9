/**
 * Pruners whose result is well-formed but is not what the plan asked for: the model ships
 * with a size (and speed) budget it does not have. Only plan-fulfilled sees these: every
 * output is still exactly what some valid pruning computes.
 */
import { analyzeGroups } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { resolvePlan } from '../prune/plan-resolve.js';
import { copyModel } from '../prune/prepare.js';
import type { Fault } from './types.js';
import { pruneCorrectly } from './support.js';

/**
 * The plan with every group's removal given as indices, each list rewritten by `edit` (an empty list drops the group).
 */
function editedPlan(
  dense: Parameters<typeof analyzeGroups>[0],
  plan: Plan,
  edit: (remove: number[], channels: number) => number[],
): Plan {
  const { removals } = resolvePlan(analyzeGroups(dense), plan);
  const edited = removals
    .map((r) => ({ r, remove: edit([...r.remove], r.group.channels) }))
    .filter((e) => e.remove.length);
  const channels = edited
    .filter((e) => e.r.group.kind === 'channels')
    .map((e) => ({ group: e.r.group.id, indices: e.remove }));
  const heads = edited
    .filter((e) => e.r.group.kind === 'heads')
    .map((e) => ({ attention: e.r.group.id, remove: e.remove }));
  return { ...plan, version: 1, channels, heads };
}

const common = {
  failureMode: 'hardware-headroom',
  caughtBy: ['plan-fulfilled'],
  guards: ['plan-fulfilled'],
  // Residual graphs only: fast-check does not shrink across families, and these need no particular layer.
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
} as const;

export const planNotApplied: Fault = {
  ...common,
  id: 'plan-not-applied',
  bug:
    'The masks are computed but never applied (or the pruned weights are never written back): ' +
    'the "pruned" model is the dense model, and the report claims the plan\'s savings.',
  prune(dense) {
    return copyModel(dense);
  },
};

export const underRemoval: Fault = {
  ...common,
  id: 'under-removal',
  bug:
    'Each group loses one channel (or head) fewer than the plan says, ' +
    'as when the count to remove is rounded down twice or the last index of a range is excluded.',
  prune(dense, plan) {
    return pruneCorrectly(
      dense,
      editedPlan(dense, plan, (remove) => remove.slice(0, -1)),
    ).pruned;
  },
};

export const overRemoval: Fault = {
  ...common,
  id: 'over-removal',
  bug:
    'Each group loses one channel (or head) more than the plan says, ' +
    'as when the count to keep is rounded down instead of up.',
  prune(dense, plan) {
    return pruneCorrectly(
      dense,
      editedPlan(dense, plan, (remove, channels) => {
        const extra = Array.from({ length: channels }, (_, i) => i).find((i) => !remove.includes(i));
        // Never below two kept: the guards' floor (a one-channel branch is another fault).
        return extra !== undefined && channels - remove.length > 2 ? [...remove, extra].sort((a, b) => a - b) : remove;
      }),
    ).pruned;
  },
};
