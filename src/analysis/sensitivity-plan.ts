/**
 * From a profile and a share of the *model's* parameters to a pruning plan.
 *
 * allocateBudget counts first-order parameters per group: a tensor sliced by
 * two groups (a Gemm weight's rows and columns) counts in both, and removing
 * r of both axes removes 1 − (1 − r)², not 2r. So its share is not the model's
 * share (on the digits CNN, a 30% allocation removes 50% of the model). Here
 * the allocation's own target is searched by bisection until the plan, pruned
 * for real, removes the requested share of the model's parameters. The
 * allocation stays monotone and capped: only its overall level changes.
 */
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import type { Criterion, Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import { allocateBudget, type Allocation, type AllocateOptions } from './budget.js';
import { weightMacs } from './flops.js';
import type { SensitivityProfile } from './profile.js';

export interface TargetPlan {
  plan: Plan;
  allocation: Allocation;
  /** Share of the model's parameters (or FLOPs, with `by: 'flops'`) the plan removes, measured by pruning it. */
  removed: number;
}

/** The plan the `prune` command accepts: each group at its allocated ratio, by the sweep's criterion. */
export function planFromRatios(
  profile: SensitivityProfile,
  ratios: Record<string, number>,
  criterion: Criterion,
): Plan {
  const kind = new Map(profile.entries.map((e) => [e.group, e.kind]));
  const chosen = Object.entries(ratios)
    .filter(([, r]) => r > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const channels = chosen
    .filter(([g]) => kind.get(g) !== 'attention')
    .map(([group, ratio]) => ({ group, ratio, criterion }));
  const heads = chosen
    .filter(([g]) => kind.get(g) === 'attention')
    .map(([attention, ratio]) => ({ attention, ratio, criterion }));
  return { version: 1, ...(channels.length ? { channels } : {}), ...(heads.length ? { heads } : {}) };
}

/** Smallest monotone, capped plan removing at least `target` of the model's parameters. */
export function planForTarget(
  model: Model,
  profile: SensitivityProfile,
  target: number,
  criterion: Criterion = 'l1',
  options: AllocateOptions = {},
): TargetPlan {
  if (!(target > 0 && target < 1))
    throw new PruneguardError('E_BAD_ARGUMENT', `target must be in (0, 1), got ${target}`);
  const denseMacs = options.by === 'flops' ? weightMacs(model) : 0;
  const at = (t: number): TargetPlan | undefined => {
    let allocation: Allocation;
    try {
      allocation = allocateBudget(profile, t, options);
    } catch (e) {
      if ((e as PruneguardError).code === 'E_INFEASIBLE') return undefined;
      throw e;
    }
    const plan = planFromRatios(profile, allocation.ratios, criterion);
    const { model: pruned, report } = prune(model, plan);
    const removed =
      options.by === 'flops'
        ? 1 - weightMacs(pruned) / denseMacs
        : report.paramsBefore
          ? (report.paramsBefore - report.paramsAfter) / report.paramsBefore
          : 0;
    return { plan, allocation, removed };
  };
  // The allocator's feasible range, then the smallest level whose measured removal reaches the target.
  let lo = 0,
    hi = 0.999;
  let best = at(hi);
  if (!best) {
    let feasible = 0;
    for (let i = 0; i < 30; i++) {
      const mid = (feasible + hi) / 2;
      if (at(mid)) feasible = mid;
      else hi = mid;
    }
    hi = feasible;
    best = at(hi);
  }
  if (!best || best.removed + 1e-12 < target) {
    throw new PruneguardError(
      'E_INFEASIBLE',
      `cannot remove ${(target * 100).toFixed(1)}% of the ` +
        `model's ${options.by === 'flops' ? 'FLOPs' : 'parameters'}: ` +
        `at most ${((best?.removed ?? 0) * 100).toFixed(1)}% fits under the caps and the monotone rule ` +
        `(${profile.entries.length} profiled groups)`,
    );
  }
  for (let i = 0; i < 30 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    const p = at(mid);
    if (p && p.removed + 1e-12 >= target) {
      hi = mid;
      best = p;
    } else lo = mid;
  }
  return best;
}
