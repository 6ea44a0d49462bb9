/** The per-failure-mode summary the main job prints. */
import type { Report } from './model.js';

export function formatSummary(r: Report, dir?: string): string {
  const w = Math.max(...r.failureModes.map((m) => m.id.length));
  const lines = r.failureModes.map((m) => {
    const s = m.scenarios.length
      ? `scenarios ${m.scenarios.filter((x) => x.ok).length}/${m.scenarios.length}`
      : 'scenarios -';
    const p = m.properties.length
      ? `properties ${m.properties.filter((x) => x.passed).length}/${m.properties.length} (` +
        `${m.properties.reduce((a, x) => a + x.cases, 0)} cases)`
      : 'properties -';
    const f = m.faults.length
      ? `faults caught ${m.faults.filter((x) => x.caught && x.caughtByExpected).length}/${m.faults.length}`
      : 'faults -';
    const c = m.coverage ? `coverage ${m.coverage.lines.pct}%` : '';
    return (
      `${m.status === 'ok' ? 'ok  ' : m.status === 'failing' ? 'FAIL' : '--  '} ${m.id.padEnd(w)}  ` +
      `${s.padEnd(14)}  ${p.padEnd(30)}  ${f.padEnd(18)}  ${c}`
    );
  });
  return [
    ...lines,
    `${r.ok ? 'all failure modes guarded' : 'FAILING'} in ${(r.totals.ms / 1000).toFixed(1)} s` +
      `${dir ? `; reports in ${dir}/report.{json,md,html}` : ''}`,
  ].join('\n');
}
