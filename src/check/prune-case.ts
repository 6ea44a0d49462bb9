/**
 * A generated pruning case: a graph recipe and a relative plan, materialised
 * into a dense model, a concrete plan, and the pruned model a pruner made.
 */
import fc from 'fast-check';
import { buildGraph, graphRecipe, type Family, type GraphRecipe } from '../arbitraries/graph.js';
import { bindPlan, relativePlan, type PlanConstraints, type RelativePlan } from '../arbitraries/plan.js';
import type { Model } from '../ir/types.js';
import { analyzeGroups, type GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';

export interface CaseRecipe {
  graph: GraphRecipe;
  plan: RelativePlan;
}

export interface MaterialCase {
  recipe: CaseRecipe;
  dense: Model;
  plan: Plan;
  /** The group analysis the plan was bound with (fresh: a pruner may consume it once). */
  analysis?: GroupAnalysis;
}

/** fast-check arbitrary of prune cases: a graph recipe and a relative plan. */
export function caseRecipe(families?: readonly Family[], plan?: PlanConstraints): fc.Arbitrary<CaseRecipe> {
  return fc.record({ graph: graphRecipe(families), plan: relativePlan(plan) });
}

/** Builds the dense model of a case recipe and binds its relative plan to the model's groups. */
export function materialize(recipe: CaseRecipe, constraints: PlanConstraints = {}): MaterialCase {
  const dense = buildGraph(recipe.graph);
  const analysis = analyzeGroups(dense);
  return { recipe, dense, plan: bindPlan(dense, recipe.plan, analysis, constraints), analysis };
}

/** Plans that prune nothing make a case trivial. */
export function isTrivialPlan(plan: Plan): boolean {
  return !plan.channels?.length && !plan.heads?.length && !plan.unstructured?.length && !plan.nm?.length;
}
