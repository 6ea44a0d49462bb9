/** The sensitivity profile as a bar chart, most sensitive on top; real-pruning fallbacks marked. */
import type { SensitivityProfile } from '../analysis/profile.js';
import { horizontalBarChart } from './bar-chart.js';
import { PALETTE } from './svg.js';

/** A sensitivity profile as a horizontal bar chart (inline SVG). */
export function sensitivityChart(profile: SensitivityProfile, title?: string): string {
  const shares = profile.ratios?.length ? profile.ratios : [...new Set(profile.entries.map((e) => e.probeRatio))];
  const pct = shares.map((r) => `${Number((r * 100).toFixed(1))}%`).join(', ');
  return horizontalBarChart({
    title: title ?? `Sensitivity: ${profile.metric} drop when ${pct} of a group's channels are removed`,
    legend: [
      { name: 'early conv (depth < 1/3)', color: PALETTE[1] },
      { name: 'classifier', color: PALETTE[2] },
      { name: 'other', color: PALETTE[0] },
    ],
    xLabel: `${profile.metric} drop (points${profile.ratios && profile.ratios.length > 1 ? ', mean over ratios' : ''})`,
    bars: profile.entries.map((e) => ({
      label: e.group,
      value: e.sensitivity,
      color: e.classifier ? PALETTE[2] : e.depth < 1 / 3 ? PALETTE[1] : PALETTE[0],
      ...(e.evaluation === 'pruned' ? { note: '(pruned)' } : {}),
    })),
  });
}
