/** Line chart of one or more series over a numeric x axis (e.g. latency vs batch size), optionally log-scaled x. */
import { esc, fmt, legend, niceTicks, PALETTE, scale, svgDocument } from './svg.js';

/** A line chart: series of points and axis labels. */
export interface LineChartSpec {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly { name: string; points: readonly (readonly [number, number])[] }[];
  /** Log2 x axis (batch sizes 1, 2, 4, … spread evenly). Needs x > 0. */
  logX?: boolean;
  width?: number;
  height?: number;
}

/**
 * A line chart (e.g. latency against batch size) as inline SVG.
 * @example
 * lineChart({ title: 'Latency vs batch size', xLabel: 'batch size', yLabel: 'ms per batch', logX: true,
 *   series: [{ name: 'dense', points: [[1, 0.4], [8, 1.9]] }, { name: 'pruned', points: [[1, 0.35], [8, 1.2]] }] });
 */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640,
    height = spec.height ?? 360;
  const left = 64,
    right = 24,
    top = 58,
    bottom = 56;
  const pts = spec.series
    .flatMap((s) => s.points)
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!spec.logX || a > 0));
  const tx = (v: number) => (spec.logX ? Math.log2(v) : v);
  const xs = pts.map(([a]) => tx(a));
  const ys = pts.map(([, b]) => b);
  const xLo = xs.length ? Math.min(...xs) : 0,
    xHi = xs.length ? Math.max(...xs) : 1;
  const xTicks = spec.logX
    ? Array.from({ length: Math.floor(xHi) - Math.ceil(xLo) + 1 }, (_, i) => Math.ceil(xLo) + i)
    : niceTicks(xLo, xHi);
  const yTicks = niceTicks(Math.min(0, ...ys), ys.length ? Math.max(...ys) : 1);
  const x = scale(xTicks[0] ?? xLo, xTicks[xTicks.length - 1] ?? xHi, left, width - right);
  const y = scale(yTicks[0], yTicks[yTicks.length - 1], height - bottom, top);
  const body: string[] = legend(
    spec.series.map((s) => s.name),
    left,
    44,
  );
  for (const t of yTicks) {
    body.push(`<line x1="${left}" y1="${y(t)}" x2="${width - right}" y2="${y(t)}" stroke="#e0e0e0"/>`);
    body.push(`<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" fill="#444">${fmt(t)}</text>`);
  }
  for (const t of xTicks)
    body.push(
      `<text x="${x(t)}" y="${height - bottom + 16}" text-anchor="middle" ` +
        `fill="#444">${fmt(spec.logX ? 2 ** t : t)}</text>`,
    );
  body.push(`<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#333"/>`);
  spec.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const ok = s.points
      .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && (!spec.logX || a > 0))
      .sort(([a], [b]) => a - b);
    if (ok.length > 1)
      body.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" ` +
          `points="${ok.map(([a, b]) => `${x(tx(a)).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [a, b] of ok)
      body.push(
        `<circle cx="${x(tx(a)).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" ` +
          `fill="${color}"><title>${esc(`${s.name}: ${fmt(a)} → ${fmt(b)}`)}</title></circle>`,
      );
  });
  return svgDocument({ width, height, title: spec.title, xLabel: spec.xLabel, yLabel: spec.yLabel }, body);
}
