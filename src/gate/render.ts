/** The human form of a check result: one block per failure mode, PASS/FAIL/SKIPPED, one line why, then the findings. */
import { FAILURE_MODES } from '../findings.js';
import type { CheckResult } from './check.js';

const LABEL = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIPPED' } as const;

export function renderCheck(result: CheckResult, header?: string): string {
  const lines: string[] = header ? [header, ''] : [];
  const width = Math.max(...FAILURE_MODES.map((m) => m.length));
  for (const mode of FAILURE_MODES) {
    const v = result.verdicts[mode];
    lines.push(`${LABEL[v.status].padEnd(7)} ${mode.padEnd(width)}  ${v.reason}`);
    for (const f of v.findings)
      lines.push(`          ${f.severity === 'warning' ? 'warning: ' : '- '}[${f.invariant}] ${f.message}`);
  }
  const slices = result.measurements.slices;
  if (slices?.length) {
    lines.push('', `slices (${slices[0].metric}, points):`);
    const w = Math.max(...slices.map((s) => s.slice.length));
    for (const s of slices) {
      const rule = [
        s.threshold.maxDrop !== undefined ? `drop ≤ ${s.threshold.maxDrop}` : '',
        s.threshold.minMetric !== undefined ? `≥ ${s.threshold.minMetric}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `  ${s.slice.padEnd(w)}  n=${String(s.count).padStart(5)}  dense ${s.dense.toFixed(1).padStart(5)}  ` +
          `pruned ${s.pruned.toFixed(1).padStart(5)}  drop ${s.drop.toFixed(1).padStart(5)}  (${rule}) ` +
          ` ${s.pass ? 'ok' : 'FAIL'}`,
      );
    }
  }
  const fails = FAILURE_MODES.filter((m) => result.verdicts[m].status === 'fail');
  lines.push('', result.pass ? 'check passed' : `check failed: ${fails.join(', ')}`);
  return lines.join('\n');
}
