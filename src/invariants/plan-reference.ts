/**
 * What a plan asks for, made concrete: the model pruneguard's dependency-aware pruner makes
 * from the same dense model and plan. plan-fulfilled and interface-consistency compare an
 * (external) pruner's result against it: which stored tensors shrink and to what, how many
 * parameters go, which graph inputs/outputs change. Undefined when the reference refuses the
 * plan (then those invariants have nothing to compare with and say so).
 */
import { isPruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import type { GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import type { PruneCase } from './case.js';

const cache = new WeakMap<Model, WeakMap<object, Model | null>>();

export function planReference(c: PruneCase): Model | undefined {
  if (c.reference) return c.reference;
  if (!c.plan || typeof c.plan !== 'object') return undefined;
  return referenceOf(c.dense, c.plan as Plan);
}

/**
 * Makes the reference of (`dense`, `plan`) from an analysis the caller already has (a property case's,
 * before its pruner under test may consume it; prune leaves it untouched), so planReference finds it
 * instead of analysing `dense` again.
 */
export function primePlanReference(dense: Model, plan: Plan, analysis: GroupAnalysis): void {
  referenceOf(dense, plan, analysis);
}

function referenceOf(dense: Model, plan: Plan, analysis?: GroupAnalysis): Model | undefined {
  let byPlan = cache.get(dense);
  if (!byPlan) cache.set(dense, (byPlan = new WeakMap()));
  if (!byPlan.has(plan)) {
    try {
      byPlan.set(plan, prune(dense, plan, analysis ? { analysis } : {}).model);
    } catch (e) {
      if (!isPruneguardError(e)) throw e;
      byPlan.set(plan, null);
    }
  }
  return byPlan.get(plan) ?? undefined;
}
