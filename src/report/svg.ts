/**
 * Inline SVG charts for the HTML report (no scripts, no external assets, so
 * the page renders offline): grouped bars for categorical x (sensitivity per
 * group, slice metrics dense vs pruned) and lines for numeric x (latency vs
 * batch size, log-scaled x). Written here because src/plot/ did not exist yet.
 */
import type { PlotData } from '../scenarios/define.js';

const W = 560;
const H = 260;
const M = { l: 56, r: 16, t: 28, b: 64 };
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

function frame(p: PlotData, yMin: number, yMax: number, body: string, xLabels: string): string {
  const ticks = 4;
  const y = (v: number) => M.t + (H - M.t - M.b) * (1 - (v - yMin) / (yMax - yMin || 1));
  const grid = Array.from({ length: ticks + 1 }, (_, i) => yMin + ((yMax - yMin) * i) / ticks)
    .map((v) => `<line x1="${M.l}" x2="${W - M.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${M.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${fmt(v)}</text>`).join('');
  const legend = p.series.map((s, i) => `<rect x="${M.l + i * 150}" y="${H - 14}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${M.l + 14 + i * 150}" y="${H - 5}" font-size="11">${esc(s.name)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(p.title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">`
    + `<title>${esc(p.title)}</title><text x="${W / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">${esc(p.title)}</text>`
    + `${grid}<text x="12" y="${(H - M.b + M.t) / 2}" font-size="10" transform="rotate(-90 12 ${(H - M.b + M.t) / 2})" text-anchor="middle">${esc(p.y)}</text>`
    + `${body}${xLabels}<text x="${(W + M.l) / 2}" y="${H - 24}" text-anchor="middle" font-size="10">${esc(p.x)}</text>${legend}</svg>`;
}

function bars(p: PlotData): string {
  const xs = [...new Set(p.series.flatMap((s) => s.points.map((q) => String(q.x))))];
  const values = p.series.flatMap((s) => s.points.map((q) => q.y));
  const yMin = Math.min(0, ...values);
  const yMax = Math.max(1e-9, ...values) * 1.05;
  const y = (v: number) => M.t + (H - M.t - M.b) * (1 - (v - yMin) / (yMax - yMin || 1));
  const slot = (W - M.l - M.r) / xs.length;
  const bw = (slot * 0.8) / p.series.length;
  const body = p.series.map((s, si) => s.points.map((q) => {
    const x = M.l + xs.indexOf(String(q.x)) * slot + slot * 0.1 + si * bw;
    const top = Math.min(y(q.y), y(0));
    return `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.abs(y(q.y) - y(0)).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${s.name} ${q.x}: ${fmt(q.y)}`)}</title></rect>`;
  }).join('')).join('');
  const labels = xs.map((x, i) => `<text x="${M.l + (i + 0.5) * slot}" y="${H - M.b + 14}" text-anchor="middle" font-size="10">${esc(x.length > 18 ? `${x.slice(0, 17)}…` : x)}</text>`).join('');
  return frame(p, yMin, yMax, body, labels);
}

function lines(p: PlotData): string {
  const xs = [...new Set(p.series.flatMap((s) => s.points.map((q) => Number(q.x))))].sort((a, b) => a - b);
  const values = p.series.flatMap((s) => s.points.map((q) => q.y));
  const yMax = Math.max(1e-9, ...values) * 1.05;
  const lx = (v: number) => Math.log2(Math.max(v, 1e-9));
  const [x0, x1] = [lx(xs[0]), lx(xs[xs.length - 1])];
  const x = (v: number) => M.l + (W - M.l - M.r) * (x1 === x0 ? 0.5 : (lx(v) - x0) / (x1 - x0));
  const y = (v: number) => M.t + (H - M.t - M.b) * (1 - v / yMax);
  const body = p.series.map((s, si) => {
    const pts = [...s.points].sort((a, b) => Number(a.x) - Number(b.x));
    const c = COLORS[si % COLORS.length];
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((q) => `${x(Number(q.x)).toFixed(1)},${y(q.y).toFixed(1)}`).join(' ')}"/>`
      + pts.map((q) => `<circle cx="${x(Number(q.x)).toFixed(1)}" cy="${y(q.y).toFixed(1)}" r="3" fill="${c}"><title>${esc(`${s.name} @ ${q.x}: ${fmt(q.y)}`)}</title></circle>`).join('');
  }).join('');
  const labels = xs.map((v) => `<text x="${x(v)}" y="${H - M.b + 14}" text-anchor="middle" font-size="10">${v}</text>`).join('');
  return frame(p, 0, yMax, body, labels);
}

export function chart(p: PlotData): string {
  return p.kind === 'latency' ? lines(p) : bars(p);
}
