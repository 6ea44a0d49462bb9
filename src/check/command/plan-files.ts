/**
 * What a case hands to an external pruner, besides the dense model:
 *  - the plan, concrete: group ratios resolved to channel indices (and head shares to head
 *    indices) by pruneguard, so the pruner and the mask oracle remove the same channels and the
 *    pruner needs no importance criterion; it stays a valid pruneguard plan (`pruneguard prune --plan`);
 *  - optionally ({groups} in the template) every planned group resolved to the stored tensors it
 *    slices: `[{id, kind, remove, members: [{tensor, axis, remove}]}]`, positions along `axis`.
 *    A pruner that does its own dependency tracing ignores it; one that only slices can use it.
 */
import { analyzeGroups, type GroupAnalysis } from '../../prune/groups.js';
import type { Plan } from '../../prune/plan.js';
import { resolvePlan } from '../../prune/plan-resolve.js';

export interface PlannedGroup {
  id: string;
  kind: 'channels' | 'heads';
  remove: number[];
  members: { tensor: string; axis: number; remove: number[] }[];
}

export function concretePlan(
  dense: Parameters<typeof analyzeGroups>[0],
  plan: Plan,
  analysis: GroupAnalysis = analyzeGroups(dense),
): { plan: Plan; groups: PlannedGroup[] } {
  const { removals } = resolvePlan(analysis, plan);
  const out: Plan = { version: 1 };
  const channels = removals.filter((r) => r.group.kind === 'channels');
  const heads = removals.filter((r) => r.group.kind === 'heads');
  if (channels.length) out.channels = channels.map((r) => ({ group: r.group.id, indices: [...r.remove] }));
  if (heads.length) out.heads = heads.map((r) => ({ attention: r.group.id, remove: [...r.remove] }));
  if (plan.unstructured?.length) out.unstructured = plan.unstructured;
  if (plan.nm?.length) out.nm = plan.nm;
  if (plan.guards) out.guards = plan.guards;
  const groups = removals.map((r) => ({
    id: r.group.id,
    kind: r.group.kind,
    remove: [...r.remove],
    members: r.group.members.map((m) => ({
      tensor: m.tensor,
      axis: m.axis,
      remove: r.remove.flatMap((c) => m.indices[c]).sort((a, b) => a - b),
    })),
  }));
  return { plan: out, groups };
}
