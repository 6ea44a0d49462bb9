/**
 * What a plan asks for, made concrete: the model pruneguard's dependency-aware pruner makes
 * from the same dense model and plan. plan-fulfilled and interface-consistency compare an
 * (external) pruner's result against it: which stored tensors shrink and to what, how many
 * parameters go, which graph inputs/outputs change. Undefined when the reference refuses the
 * plan (then those invariants have nothing to compare with and say so).
 */
import { isPruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import type { PruneCase } from './case.js';

const cache = new WeakMap<Model, WeakMap<object, Model | null>>();

export function planReference(c: PruneCase): Model | undefined {
  if (c.reference) return c.reference;
  if (!c.plan || typeof c.plan !== 'object') return undefined;
  let byPlan = cache.get(c.dense);
  if (!byPlan) cache.set(c.dense, (byPlan = new WeakMap()));
  if (!byPlan.has(c.plan)) {
    try {
      byPlan.set(c.plan, prune(c.dense, c.plan as Plan).model);
    } catch (e) {
      if (!isPruneguardError(e)) throw e;
      byPlan.set(c.plan, null);
    }
  }
  return byPlan.get(c.plan) ?? undefined;
}
