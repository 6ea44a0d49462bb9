/** A scenario result in a few readable lines (test failures, CLI output). */
import type { ScenarioResult, VariantResult } from './run.js';

function variantLine(name: string, v: VariantResult, mustCatch: readonly string[]): string {
  const want = name === 'faulty' ? `must be caught by one of ${mustCatch.join(', ')}` : 'must pass';
  const by = v.caughtBy.length ? ` by ${v.caughtBy.join(', ')}` : '';
  const first = v.findings[0] ? `\n      first finding: ${v.findings[0].message}` : '';
  const err = v.error ? `\n      error: ${v.error.split('\n').slice(0, 3).join('\n      ')}` : '';
  return `  ${name.padEnd(6)} ${v.verdict}${by} (${want})${first}${err}`;
}

export function explainResult(r: ScenarioResult): string {
  return [
    `scenario ${r.id} (${r.failureMode}): ${r.ok ? 'ok' : 'NOT OK'}`,
    ...Object.entries(r.variants).map(([n, v]) => variantLine(n, v, r.mustCatch)),
    ...(r.golden ?? []).map((g) => `  golden ${g}`),
  ].join('\n');
}
