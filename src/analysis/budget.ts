/**
 * Budget allocation: per-group ratios that remove a target share of parameters
 * while a more sensitive group is never pruned more than a less sensitive one,
 * and every cap holds.
 *
 * Groups are filled from the least sensitive up (the seed: "remove more from
 * tolerant layers and less from sensitive ones"): with the measured drop
 * roughly proportional to the share removed, taking parameters where they cost
 * the fewest points first is what minimises the total drop. Groups whose
 * sensitivities lie within `tolerance` of each other form one level and fill
 * together. A single fill level λ is found by bisection:
 *   r_level(k) = clamp(λ − k, 0, 1), then r = min(cap, r of the level before, r_level)
 * so ratios never increase with sensitivity, and the removed share meets the target.
 */
import { PruneguardError } from '../errors.js';
import { capFor, DEFAULT_CAPS, type CapRules, type SensitivityProfile } from './profile.js';

export interface Allocation {
  ratios: Record<string, number>;
  /** Share of the profile's parameters removed. */
  removedShare: number;
  target: number;
}

export interface AllocateOptions {
  caps?: CapRules;
  /** Ratios are rounded down to this step (default 0.01). */
  step?: number;
  /** Sensitivities closer than this (metric points) fill as one level (default 0.5). */
  tolerance?: number;
  /** What the target is a share of (default 'params'; 'flops' counts weight-op multiply-accumulates). */
  by?: 'params' | 'flops';
}

/**
 * Splits a target share of parameters (or FLOPs) over the profiled groups, least sensitive first, within the caps;
 * throws E_INFEASIBLE naming the binding caps when the target does not fit.
 */
export function allocateBudget(profile: SensitivityProfile, target: number, options: AllocateOptions = {}): Allocation {
  if (!(target >= 0 && target < 1))
    throw new PruneguardError('E_BAD_ARGUMENT', `budget target must be in [0, 1), got ${target}`);
  const caps = options.caps ?? DEFAULT_CAPS;
  const step = options.step ?? 0.01;
  const entries = [...profile.entries].sort((a, b) => a.sensitivity - b.sensitivity || a.group.localeCompare(b.group));
  const cost = (e: (typeof entries)[number]) => (options.by === 'flops' ? (e.flops ?? 0) : e.params);
  const total = entries.reduce((s, e) => s + cost(e), 0);
  if (entries.length === 0 || total === 0)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `budget allocation needs a profile with at least one group ` +
        `with ${options.by === 'flops' ? 'FLOPs' : 'parameters'}`,
    );
  const tolerance = options.tolerance ?? 0.5;
  // Level k starts at the least sensitive group not yet in a level and takes every group within `tolerance` of it.
  const level: number[] = [];
  let levelStart = -Infinity;
  let k = -1;
  for (const e of entries) {
    if (e.sensitivity > levelStart + tolerance) {
      k++;
      levelStart = e.sensitivity;
    }
    level.push(k);
  }

  const ratiosAt = (lambda: number): number[] => {
    let prev = Infinity;
    return entries.map((e, i) => {
      const r = Math.min(capFor(e, caps).cap, prev, Math.max(0, Math.min(1, lambda - level[i])));
      const rounded = Math.floor(r / step + 1e-9) * step;
      prev = rounded;
      return rounded;
    });
  };
  const removed = (rs: number[]) => rs.reduce((s, r, i) => s + r * cost(entries[i]), 0) / total;

  const ceiling = ratiosAt(entries.length + 1);
  if (removed(ceiling) + 1e-12 < target) {
    const binding = entries
      .map((e, i) => ({ e, r: ceiling[i], cap: capFor(e, caps) }))
      .filter((x) => x.r >= x.cap.cap - step)
      .map((x) => `${x.e.group} (${x.cap.rule} cap ${x.cap.cap})`);
    throw new PruneguardError(
      'E_INFEASIBLE',
      `cannot remove ${(target * 100).toFixed(1)}% of ${options.by === 'flops' ? 'FLOPs' : 'parameters'}: ` +
        `at most ${(removed(ceiling) * 100).toFixed(1)}% fits under the caps and the monotone rule; ` +
        `binding caps: ${binding.join(', ')}`,
    );
  }
  let lo = 0;
  let hi = entries.length + 1;
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (removed(ratiosAt(mid)) >= target) hi = mid;
    else lo = mid;
  }
  const final = ratiosAt(hi);
  return {
    ratios: Object.fromEntries(entries.map((e, i) => [e.group, Number(final[i].toFixed(6))])),
    removedShare: removed(final),
    target,
  };
}
