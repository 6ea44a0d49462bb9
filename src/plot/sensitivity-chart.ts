/** The sensitivity profile as a bar chart, most sensitive on top; real-pruning fallbacks marked. */
import type { SensitivityProfile } from '../analysis/profile.js';
import { horizontalBarChart } from './bar-chart.js';
import { PALETTE } from './svg.js';

export function sensitivityChart(profile: SensitivityProfile, title?: string): string {
  const ratios = profile.ratios?.length ? profile.ratios.join(', ') : [...new Set(profile.entries.map((e) => e.probeRatio))].join(', ');
  return horizontalBarChart({
    title: title ?? `Sensitivity: ${profile.metric} drop when ${ratios} of a group is removed`,
    xLabel: `${profile.metric} drop (points${profile.ratios && profile.ratios.length > 1 ? ', mean over ratios' : ''})`,
    bars: profile.entries.map((e) => ({
      label: e.group,
      value: e.sensitivity,
      color: e.classifier ? PALETTE[2] : e.depth < 1 / 3 ? PALETTE[1] : PALETTE[0],
      ...(e.evaluation === 'pruned' ? { note: '(pruned)' } : {}),
    })),
  });
}
