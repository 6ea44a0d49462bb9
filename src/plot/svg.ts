/**
 * Shared SVG pieces for the charts: escaping, "nice" axis ticks, the frame
 * (title, axis labels) and a fixed palette. Plain strings, no DOM: the output
 * is a standalone `<svg>` that any browser renders offline.
 */

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];
export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round number formatting for tick labels and values. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** About `count` ticks at 1/2/5 × 10^k steps covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    hi = lo + 1;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function scale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

export interface Frame {
  width: number;
  height: number;
  title: string;
  xLabel?: string;
  yLabel?: string;
}

/** Wraps chart content with the title, axis labels and an accessible description. */
export function svgDocument(f: Frame, body: string[]): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 ` +
      `0 ${f.width} ${f.height}" role="img" aria-label="${esc(f.title)}" ${FONT} font-size="12">`,
    `<title>${esc(f.title)}</title>`,
    `<rect width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
    `<text x="${f.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${esc(f.title)}</text>`,
    ...body,
  ];
  if (f.xLabel) parts.push(`<text x="${f.width / 2}" y="${f.height - 8}" text-anchor="middle">${esc(f.xLabel)}</text>`);
  if (f.yLabel)
    parts.push(
      `<text transform="translate(14 ${f.height / 2}) rotate(-90)" text-anchor="middle">${esc(f.yLabel)}</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}

/** A legend row of colour swatches starting at (x, y). */
export function legend(names: readonly string[], x: number, y: number): string[] {
  let at = x;
  return names.flatMap((name, i) => {
    const out = [
      `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${at + 14}" y="${y}">${esc(name)}</text>`,
    ];
    at += 24 + name.length * 7;
    return out;
  });
}

/** Rough text width in pixels at 12px (no font metrics offline). */
export const textWidth = (s: string): number => s.length * 6.6;
