/**
 * The report as one self-contained HTML page for people: inline CSS and SVG
 * charts, no scripts, no external assets (renders offline, e.g. as a CI
 * artifact). Sections per failure mode; scenario plots (sensitivity profile,
 * slice metrics dense vs pruned, latency vs batch size) beside their verdicts.
 * One tiny inline script only marks, after layout, how many charts have a
 * non-empty bounding box (the headless-browser test reads it); the page needs
 * no script to display.
 */
import type { ModeReport, Report, ScenarioLine } from './model.js';
import { chart, esc } from './charts.js';

const badgeClass = (s: string): string =>
  s === 'ok' || s === 'pass' || s === 'caught' ? 'ok' : s === 'unexercised' ? 'none' : 'bad';
const badge = (s: string): string => `<span class="badge ${badgeClass(s)}">${esc(s)}</span>`;
const codes = (names: readonly string[], sep = ' '): string => names.map((c) => `<code>${esc(c)}</code>`).join(sep);
const small = (text: string | undefined): string => (text ? `<br><small>${esc(text)}</small>` : '');
/** A table whose header row has these cells (empty when there are no rows). */
const table = (heads: readonly string[], rows: string): string =>
  `<table><tr>${heads.map((h) => `<th>${h}</th>`).join('')}</tr>${rows}</table>`;

function scenario(s: ScenarioLine): string {
  const rows = Object.entries(s.measurements)
    .map(([k, v]) => `<tr><td><code>${esc(k)}</code></td><td class="num">${v}</td></tr>`)
    .join('');
  const faultyBy = `${codes(s.faulty.caughtBy)}${small(s.faulty.firstFinding)}`;
  return `<article class="scenario" id="scenario-${esc(s.id)}">
<h4>${esc(s.title)} ${badge(s.ok ? 'ok' : 'failing')}</h4>
<p class="incident">${esc(s.incident.source)}, ${esc(s.incident.date)}: ${esc(s.incident.summary)}</p>
<ul>
<li>faulty — ${esc(s.faulty.summary)}: ${badge(s.faulty.verdict)} ${faultyBy}</li>
<li>fixed — ${esc(s.fixed.summary)}: ${badge(s.fixed.verdict)}${small(s.fixed.firstFinding)}</li>
</ul>
<div class="plots">${s.plots.map((p) => `<figure>${chart(p)}</figure>`).join('')}</div>
<details><summary>measurements</summary><table>${rows}</table></details>
</article>`;
}

const FAULT_HEADS = ['fault', '', 'cases to catch', 'caught by', 'shrunk to'];
const SUMMARY_HEADS = ['failure mode', 'status', 'scenarios', 'cases', 'faults caught', 'coverage'];
/** Tables and badges; lines kept under 120 characters. */
const STYLE = [
  'body{font:14px/1.45 system-ui,sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222}',
  'table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}' +
    '.num{text-align:right}',
  '.badge{padding:1px 6px;border-radius:8px;font-size:12px}.ok{background:#d7f5dd}.bad{background:#fbd5d5}' +
    '.none{background:#eee}',
  '.scenario{border-left:3px solid #ccc;padding-left:12px;margin:1em 0}.plots{display:flex;flex-wrap:wrap;gap:8px}' +
    'figure{margin:0}',
  '.incident,.risk{color:#555}code{font-size:12px}',
].join('\n');
/** Marks, after layout, how many charts have a non-empty bounding box (the headless-browser test reads it). */
const CHART_PROBE =
  "document.documentElement.dataset.chartsRendered=String([...document.querySelectorAll('svg')]" +
  '.filter(function(s){var b=s.getBBox();return b.width>0&&b.height>0;}).length);';

function mode(m: ModeReport): string {
  const props = m.properties
    .map(
      (p) =>
        `<tr><td>${esc(p.name)}</td><td class="num">${p.cases}</td><td ` +
        `class="num">${p.seed}</td><td>${badge(p.passed ? 'pass' : 'fail')}</td></tr>`,
    )
    .join('');
  const faults = m.faults
    .map(
      (f) =>
        `<tr><td><code>${esc(f.fault)}</code></td><td>` +
        `${badge(f.caught && f.caughtByExpected ? 'caught' : 'missed')}</td><td ` +
        `class="num">${f.casesToFirstCatch ?? '–'}</td><td>` +
        `${codes(f.caughtBy)}</td><td>` +
        `${f.shrunk ? `${f.shrunk.nodes} nodes, ${f.shrunk.channels} channels` : '–'}</td></tr>`,
    )
    .join('');
  const cov = m.coverage
    ? `<p>Line coverage of its modules: <b>${m.coverage.lines.pct}%</b> ` +
      `(${m.coverage.lines.covered}/${m.coverage.lines.total})</p><details><summary>per file</summary><table>` +
      m.coverage.files
        .map((f) => `<tr><td><code>${esc(f.file)}</code></td><td class="num">${f.pct}%</td></tr>`)
        .join('') +
      '</table></details>'
    : '<p>Coverage not measured.</p>';
  return `<section id="${esc(m.id)}">
<h2>${esc(m.title)} <code>${esc(m.id)}</code> ${badge(m.status)}</h2>
<p class="risk">${esc(m.risk)}</p>
<p>Guarded by ${codes(m.guards, ', ')}.</p>
${cov}
${props ? `<h3>Properties</h3>${table(['property', 'cases', 'seed', ''], props)}` : ''}
${faults ? `<h3>Fault injectors</h3>${table(FAULT_HEADS, faults)}` : ''}
${m.scenarios.length ? `<h3>Scenarios</h3>${m.scenarios.map(scenario).join('')}` : ''}
</section>`;
}

export function renderHtml(r: Report): string {
  const summary = r.failureModes
    .map(
      (m) =>
        `<tr><td><a href="#${esc(m.id)}">${esc(m.title)}</a></td><td>${badge(m.status)}</td><td ` +
        `class="num">${m.scenarios.filter((s) => s.ok).length}/${m.scenarios.length}</td><td ` +
        `class="num">${m.properties.reduce((s, p) => s + p.cases, 0)}</td><td ` +
        `class="num">${m.faults.filter((f) => f.caught).length}/${m.faults.length}</td><td ` +
        `class="num">${m.coverage ? `${m.coverage.lines.pct}%` : '–'}</td></tr>`,
    )
    .join('');
  const t = r.totals;
  const totals =
    `${t.scenariosOk}/${t.scenarios} scenarios behave · ${t.propertyCases} generated cases · ` +
    `${t.faultsCaught}/${t.faults} fault injectors caught · ${(t.ms / 1000).toFixed(1)} s`;
  const versions =
    `pruneguard ${esc(r.versions.pruneguard)}, onnxruntime-node ${esc(r.versions['onnxruntime-node'])}, ` +
    `node ${esc(r.versions.node)} · ${esc(r.createdAt)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>pruneguard report</title>
<style>
${STYLE}
</style></head>
<body>
<h1 id="top">pruneguard report ${badge(r.ok ? 'ok' : 'failing')}</h1>
<p>${totals}
· ${versions}${r.shards.length > 1 ? ` · merged from ${r.shards.length} shards` : ''}</p>
${table(SUMMARY_HEADS, summary)}
${r.failureModes.map(mode).join('\n')}
<footer><p id="report-complete">Report complete.</p></footer>
<script>${CHART_PROBE}</script>
</body></html>
`;
}
