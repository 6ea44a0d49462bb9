/** The report as Markdown for a pull-request comment: one table, then a short section per failure mode. */
import type { Report } from './model.js';

const icon = (s: string): string => (s === 'ok' ? '✅' : s === 'failing' ? '❌' : '➖');
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: Report): string {
  const out: string[] = [
    `## pruneguard report ${r.ok ? '✅' : '❌'}`,
    '',
    `${r.totals.scenariosOk}/${r.totals.scenarios} scenarios behave · ${r.totals.propertyCases} generated cases ` +
      `· ${r.totals.faultsCaught}/${r.totals.faults} fault injectors caught · pruneguard ${r.versions.pruneguard}, ` +
      `onnxruntime-node ` +
      `${r.versions['onnxruntime-node']}${r.shards.length > 1 ? ` · merged from ${r.shards.length} shards` : ''}`,
    '',
    '| failure mode | status | guards | scenarios | properties (cases) | faults caught | coverage (lines) |',
    '|---|---|---|---|---|---|---|',
    ...r.failureModes.map(
      (m) =>
        `| ${m.title} (\`${m.id}\`) ` +
        `| ${icon(m.status)} ${m.status} | ${m.guards.map((g) => `\`${g}\``).join(', ')} | ` +
        `${m.scenarios.filter((s) => s.ok).length}/${m.scenarios.length} | ${m.properties.length} (` +
        `${m.properties.reduce((s, p) => s + p.cases, 0)}) ` +
        `| ${m.faults.filter((f) => f.caught && f.caughtByExpected).length}/${m.faults.length} | ` +
        `${m.coverage ? `${m.coverage.lines.pct}% of ${m.coverage.lines.total}` : 'not measured'} |`,
    ),
    '',
  ];
  for (const m of r.failureModes) {
    if (!m.scenarios.length && !m.properties.some((p) => !p.passed) && !m.faults.some((f) => !f.caught)) continue;
    out.push(`### ${icon(m.status)} ${m.title}`, '', `_${m.risk}_`, '');
    for (const s of m.scenarios) {
      out.push(
        `- **${s.id}** ${s.ok ? '✅' : '❌'} — ` +
          `faulty: ${s.faulty.verdict}` +
          (s.faulty.caughtBy.length ? ` by ${s.faulty.caughtBy.map((c) => `\`${c}\``).join(', ')}` : '') +
          `; fixed: ${s.fixed.verdict}`,
      );
      if (s.faulty.firstFinding) out.push(`  - ${cell(s.faulty.firstFinding)}`);
    }
    for (const p of m.properties.filter((x) => !x.passed))
      out.push(`- property **${p.name}** failed (seed ${p.seed}); replay: \`${p.replay}\``);
    for (const f of m.faults.filter((x) => !x.caught))
      out.push(`- fault **${f.fault}** was not caught (seed ${f.seed})`);
    out.push('');
  }
  if (!r.coverage) out.push('_Coverage not measured: run `npx vitest run --coverage` before `pruneguard report`._', '');
  return out.join('\n');
}
