/**
 * Budget allocation: per-group ratios that remove a target share of parameters
 * while a more sensitive group is never pruned more than a less sensitive one,
 * and every cap holds.
 *
 * Groups are visited from least to most sensitive; each gets
 *   r = min(cap, r_of_previous_group, λ · exp(−s / ŝ))
 * (ŝ: median positive sensitivity), so ratios never increase with sensitivity,
 * and λ is found by bisection so that the removed parameters meet the target.
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
}

export function allocateBudget(profile: SensitivityProfile, target: number, options: AllocateOptions = {}): Allocation {
  if (!(target >= 0 && target < 1)) throw new PruneguardError('E_BAD_ARGUMENT', `budget target must be in [0, 1), got ${target}`);
  const caps = options.caps ?? DEFAULT_CAPS;
  const step = options.step ?? 0.01;
  const entries = [...profile.entries].sort((a, b) => a.sensitivity - b.sensitivity || a.group.localeCompare(b.group));
  const total = entries.reduce((s, e) => s + e.params, 0);
  if (entries.length === 0 || total === 0) throw new PruneguardError('E_BAD_ARGUMENT', 'budget allocation needs a profile with at least one group with parameters');
  const positive = entries.map((e) => e.sensitivity).filter((s) => s > 0).sort((a, b) => a - b);
  const scale = positive.length ? positive[Math.floor(positive.length / 2)] : 1;

  const ratiosAt = (lambda: number): number[] => {
    let prev = Infinity;
    return entries.map((e) => {
      const r = Math.min(capFor(e, caps).cap, prev, lambda * Math.exp(-Math.max(0, e.sensitivity) / scale));
      const rounded = Math.floor(r / step + 1e-9) * step;
      prev = rounded;
      return rounded;
    });
  };
  const removed = (rs: number[]) => rs.reduce((s, r, i) => s + r * entries[i].params, 0) / total;

  const ceiling = ratiosAt(1e9);
  if (removed(ceiling) + 1e-12 < target) {
    const binding = entries
      .map((e, i) => ({ e, r: ceiling[i], cap: capFor(e, caps) }))
      .filter((x) => x.r >= x.cap.cap - step)
      .map((x) => `${x.e.group} (${x.cap.rule} cap ${x.cap.cap})`);
    throw new PruneguardError('E_INFEASIBLE',
      `cannot remove ${(target * 100).toFixed(1)}% of parameters: at most ${(removed(ceiling) * 100).toFixed(1)}% fits under the caps and the monotone rule; binding caps: ${binding.join(', ')}`);
  }
  let lo = 0;
  let hi = 1e9;
  for (let i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1, lo); i++) {
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
