/**
 * The monotone budget gate's inputs: the per-group ratios a plan implies (the
 * profile itself is measured by src/analysis/sensitivity.ts).
 */
import type { GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';

/** Ratio per group (and attention unit) id the plan removes: `ratio`, or indices ÷ channels. */
export function planRatios(analysis: GroupAnalysis, plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  const size = (id: string) =>
    analysis.groups.find((g) => g.id === id)?.channels ?? analysis.attention.find((a) => a.id === id)?.heads;
  for (const c of plan.channels ?? []) {
    const n = size(c.group);
    out[c.group] = 'ratio' in c ? c.ratio : n ? c.indices.length / n : 0;
  }
  for (const h of plan.heads ?? []) {
    const n = size(h.attention);
    out[h.attention] = 'ratio' in h ? h.ratio : n ? h.remove.length / n : 0;
  }
  return out;
}
