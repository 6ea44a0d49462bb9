/**
 * monotone-sensitivity-budget: given a measured sensitivity profile, a more
 * sensitive group is never pruned more than a less sensitive one (beyond the
 * tolerances), every cap holds, and the budget (if given) is met.
 */
import { capFor, DEFAULT_CAPS, type CapRules, type SensitivityProfile } from '../analysis/profile.js';
import type { Finding } from '../findings.js';

export interface BudgetCheckInput {
  profile: SensitivityProfile;
  /** Pruning ratio per group id (groups missing here are not pruned: ratio 0). */
  ratios: Record<string, number>;
  caps?: CapRules;
  /** Required share of the profile's parameters removed. */
  target?: number;
  /** Sensitivities closer than this (metric points) count as equal (default 0.5). */
  sensitivityTolerance?: number;
  /** A ratio larger by at most this is not a violation (default 0.02). */
  ratioTolerance?: number;
}

const invariant = 'monotone-sensitivity-budget';
const failureMode = 'accuracy-cliff';

/** Invariant: a more sensitive group is never pruned more than a less sensitive one, and no group past its cap. */
export function monotoneSensitivityBudget(input: BudgetCheckInput): Finding[] {
  const caps = input.caps ?? DEFAULT_CAPS;
  const sTol = input.sensitivityTolerance ?? 0.5;
  const rTol = input.ratioTolerance ?? 0.02;
  const ratio = (g: string) => input.ratios[g] ?? 0;
  const findings: Finding[] = [];
  const entries = input.profile.entries;
  for (const a of entries) {
    for (const b of entries) {
      if (a.sensitivity > b.sensitivity + sTol && ratio(a.group) > ratio(b.group) + rTol) {
        findings.push({
          invariant,
          failureMode,
          where: a.group,
          message:
            `${a.group} (sensitivity ${a.sensitivity.toFixed(2)}) is pruned ${pct(ratio(a.group))}, ` +
            `more than the less sensitive ${b.group} (sensitivity ${b.sensitivity.toFixed(2)}) ` +
            `at ${pct(ratio(b.group))}`,
          expected: `ratio(${a.group}) <= ratio(${b.group}) + ${rTol}`,
          received: { [a.group]: ratio(a.group), [b.group]: ratio(b.group) },
        });
      }
    }
  }
  for (const e of entries) {
    const { cap, rule } = capFor(e, caps);
    if (ratio(e.group) > cap + 1e-9) {
      findings.push({
        invariant,
        failureMode,
        where: e.group,
        message: `${e.group} is pruned ${pct(ratio(e.group))}, over its ${rule} cap of ${pct(cap)}`,
        expected: `<= ${cap}`,
        received: ratio(e.group),
      });
    }
  }
  for (const g of Object.keys(input.ratios)) {
    if (!entries.some((e) => e.group === g)) {
      findings.push({
        invariant,
        failureMode,
        where: g,
        message: `${g} is pruned but has no measured sensitivity`,
        expected: 'a profile entry',
        received: 'none',
      });
    }
  }
  if (input.target !== undefined) {
    const total = entries.reduce((s, e) => s + e.params, 0);
    const removed = total ? entries.reduce((s, e) => s + ratio(e.group) * e.params, 0) / total : 0;
    if (removed + 1e-9 < input.target) {
      findings.push({
        invariant,
        failureMode,
        message: `the plan removes ${pct(removed)} of parameters, short of the ${pct(input.target)} budget`,
        expected: input.target,
        received: removed,
      });
    }
  }
  return findings;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
