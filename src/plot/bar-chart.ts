/** Horizontal bar chart: one labelled bar per item, sorted by value (largest on top) unless told otherwise. */
import { esc, fmt, niceTicks, PALETTE, scale, svgDocument, textWidth } from './svg.js';

/** One bar of a bar chart: label and value. */
export interface Bar {
  label: string;
  value: number;
  /** Shown after the value (e.g. "pruned"). */
  note?: string;
  /** Fill colour (default: the first palette colour). */
  color?: string;
}

/** A horizontal bar chart: title, bars and axis label. */
export interface BarChartSpec {
  title: string;
  /** Label of the value axis. */
  xLabel?: string;
  bars: readonly Bar[];
  /** 'desc' (default): largest first; 'none': as given. */
  sort?: 'desc' | 'none';
  /** What the bar colours mean, drawn under the title. */
  legend?: readonly { name: string; color: string }[];
  width?: number;
}

/**
 * A horizontal bar chart as inline SVG.
 * @example
 * writeFileSync('sens.svg', horizontalBarChart({ title: 'Sensitivity', xLabel: 'accuracy drop (points)',
 *   bars: [{ label: 'conv1', value: 8.5 }, { label: 'fc1', value: 0.1 }] }));
 */
export function horizontalBarChart(spec: BarChartSpec): string {
  const bars = spec.sort === 'none' ? [...spec.bars] : [...spec.bars].sort((a, b) => b.value - a.value);
  const width = spec.width ?? 720;
  const rowH = 22;
  const left = Math.min(width * 0.45, Math.max(60, ...bars.map((b) => textWidth(b.label))) + 16);
  const right = 90;
  const top = spec.legend?.length ? 58 : 40;
  const plotH = Math.max(1, bars.length) * rowH;
  const height = top + plotH + 56;
  const values = bars.map((b) => b.value).filter(Number.isFinite);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const x = scale(ticks[0], ticks[ticks.length - 1], left, width - right);
  const body: string[] = [];
  let lx = left;
  for (const l of spec.legend ?? []) {
    body.push(
      `<rect x="${lx}" y="35" width="10" height="10" fill="${l.color}"/>`,
      `<text x="${lx + 14}" y="44">${esc(l.name)}</text>`,
    );
    lx += 24 + textWidth(l.name);
  }
  for (const t of ticks) {
    body.push(`<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + plotH}" stroke="#e0e0e0"/>`);
    body.push(`<text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle" fill="#444">${fmt(t)}</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const v = Number.isFinite(b.value) ? b.value : 0;
    const x0 = x(Math.min(0, v));
    const w = Math.abs(x(v) - x(0));
    body.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`);
    body.push(
      `<rect x="${x0}" y="${y + 3}" width="${w}" height="${rowH - 6}" ` +
        `fill="${b.color ?? PALETTE[0]}"><title>` +
        `${esc(`${b.label}: ${fmt(b.value)}${b.note ? ` (${b.note})` : ''}`)}</title></rect>`,
    );
    body.push(
      `<text x="${Math.max(x(v), x(0)) + 4}" y="${y + rowH / 2 + 4}" ` +
        `fill="#333">${fmt(b.value)}${b.note ? ` ${esc(b.note)}` : ''}</text>`,
    );
  });
  body.push(`<line x1="${x(0)}" y1="${top}" x2="${x(0)}" y2="${top + plotH}" stroke="#333"/>`);
  return svgDocument({ width, height, title: spec.title, xLabel: spec.xLabel }, body);
}
