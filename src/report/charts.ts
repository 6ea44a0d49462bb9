/**
 * Scenario plot data → inline SVG, drawn by src/plot (no scripts, no
 * external assets): sensitivity profiles as horizontal bars, slice metrics
 * dense vs pruned as grouped bars, latency vs batch size as lines (log x).
 */
import { groupedBarChart, horizontalBarChart, lineChart } from '../plot/index.js';
import type { PlotData } from '../scenarios/define.js';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function chart(p: PlotData): string {
  if (p.kind === 'latency') {
    return lineChart({
      title: p.title,
      xLabel: p.x,
      yLabel: p.y,
      logX: true,
      series: p.series.map((s) => ({ name: s.name, points: s.points.map((q) => [Number(q.x), q.y] as const) })),
    });
  }
  if (p.kind === 'sensitivity' && p.series.length === 1) {
    return horizontalBarChart({
      title: p.title,
      xLabel: p.y,
      bars: p.series[0].points.map((q) => ({ label: String(q.x), value: q.y })),
    });
  }
  const categories = [...new Set(p.series.flatMap((s) => s.points.map((q) => String(q.x))))];
  return groupedBarChart({
    title: p.title,
    xLabel: p.x,
    yLabel: p.y,
    categories,
    series: p.series.map((s) => ({
      name: s.name,
      values: categories.map((c) => s.points.find((q) => String(q.x) === c)?.y ?? NaN),
    })),
  });
}
