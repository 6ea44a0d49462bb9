/** Vertical grouped bars: one group per category, one bar per series (e.g. dense vs pruned per slice). */
import { esc, fmt, legend, niceTicks, PALETTE, scale, svgDocument } from './svg.js';

/** A grouped bar chart: categories, series and axis labels. */
export interface GroupedBarChartSpec {
  title: string;
  yLabel?: string;
  xLabel?: string;
  categories: readonly string[];
  /** values[i] belongs to categories[i]. */
  series: readonly { name: string; values: readonly number[] }[];
  /** Value axis range (default: from 0, or the data minimum if negative, to the data maximum). */
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

/**
 * A grouped bar chart (e.g. dense vs pruned per slice) as inline SVG.
 * @example
 * groupedBarChart({ title: 'Accuracy by slice', yLabel: 'accuracy (%)', categories: ['all', 'rare'],
 *   series: [{ name: 'dense', values: [97, 79] }, { name: 'pruned', values: [96, 61] }] });
 */
export function groupedBarChart(spec: GroupedBarChartSpec): string {
  const width = spec.width ?? Math.max(420, 90 + spec.categories.length * (30 + 26 * spec.series.length));
  const height = spec.height ?? 340;
  const left = 64,
    right = 20,
    top = 58,
    bottom = 64;
  const all = spec.series.flatMap((s) => s.values).filter(Number.isFinite);
  const ticks = niceTicks(spec.yMin ?? Math.min(0, ...all), spec.yMax ?? Math.max(0, ...all));
  const y = scale(ticks[0], ticks[ticks.length - 1], height - bottom, top);
  const slot = (width - left - right) / Math.max(1, spec.categories.length);
  const barW = Math.min(40, (slot * 0.8) / Math.max(1, spec.series.length));
  const body: string[] = legend(
    spec.series.map((s) => s.name),
    left,
    44,
  );
  for (const t of ticks) {
    body.push(`<line x1="${left}" y1="${y(t)}" x2="${width - right}" y2="${y(t)}" stroke="#e0e0e0"/>`);
    body.push(`<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" fill="#444">${fmt(t)}</text>`);
  }
  spec.categories.forEach((c, i) => {
    const x0 = left + i * slot + (slot - barW * spec.series.length) / 2;
    spec.series.forEach((s, k) => {
      const v = s.values[i];
      if (!Number.isFinite(v)) return;
      const yTop = y(Math.max(0, v));
      body.push(
        `<rect x="${x0 + k * barW}" y="${yTop}" width="${barW - 2}" height="${Math.abs(y(v) - y(0))}" ` +
          `fill="${PALETTE[k % PALETTE.length]}"><title>${esc(`${c} · ${s.name}: ${fmt(v)}`)}</title></rect>`,
      );
    });
    body.push(
      `<text x="${left + i * slot + slot / 2}" y="${height - bottom + 16}" text-anchor="middle">${esc(c)}</text>`,
    );
  });
  body.push(`<line x1="${left}" y1="${y(0)}" x2="${width - right}" y2="${y(0)}" stroke="#333"/>`);
  return svgDocument({ width, height, title: spec.title, xLabel: spec.xLabel, yLabel: spec.yLabel }, body);
}
