/** The mask oracle for a whole plan (structured removals as entry masks, then the plan's own masks). */
import type { Model } from '../ir/types.js';
import { applyNm, applyUnstructured } from '../prune/masks/index.js';
import { mask, type CacheSlice } from '../prune/mask.js';
import type { Plan } from '../prune/plan.js';
import type { GroupAnalysis } from '../prune/groups.js';

export type Oracle = {
  model: Model;
  inexact: { group: string; reasons: string[] }[];
  /** KV-cache inputs/outputs the plan shrinks: the pruned model is fed, and compared on, the kept positions. */
  cache?: CacheSlice[];
};

/**
 * The dense model with the plan's channels zeroed instead of removed: what a correct structural prune must equal.
 * @param analysis a fresh analyzeGroups(dense) to reuse (left untouched).
 */
export function maskOracle(dense: Model, plan: Plan, analysis?: GroupAnalysis): Oracle {
  const m = mask(dense, { ...plan, unstructured: undefined, nm: undefined }, { analysis });
  let model = m.model;
  if (plan.unstructured?.length) model = applyUnstructured(model, plan.unstructured).model;
  if (plan.nm?.length) model = applyNm(model, plan.nm).model;
  return { model, inexact: m.inexact, cache: m.cache };
}
