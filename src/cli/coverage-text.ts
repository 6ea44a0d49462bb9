/** Coverage as text for `inspect` and `prune`: what is prunable, blocked, not analysed, and why. */
import type { Coverage, CoverageReason } from '../prune/coverage.js';

const num = (n: number) => n.toLocaleString('en-US');
const pct = (n: number, of: number) => `${of === 0 ? '0.0' : ((100 * n) / of).toFixed(1)}%`;

/** One line: "coverage: 96.2% of 1,879 parameters analysed (62.3% prunable, 33.9% blocked, 3.8% not analysed)". */
export function coverageLine(c: Coverage): string {
  return (
    `coverage: ${c.analysedPercent.toFixed(1)}% of ${num(c.parameters)} parameters analysed ` +
    `(${pct(c.prunable, c.parameters)} in prunable groups, ${pct(c.blocked, c.parameters)} in blocked ` +
    `groups, ${pct(c.notAnalysed, c.parameters)} not analysed)`
  );
}

/** The line, then the reasons ranked by parameters (at most `limit` of each kind). */
export function renderCoverage(c: Coverage, limit = 8): string {
  const lines = [coverageLine(c)];
  const list = (title: string, reasons: CoverageReason[]) => {
    if (reasons.length === 0) return;
    lines.push(`  ${title}:`);
    for (const r of reasons.slice(0, limit))
      lines.push(
        `    ${num(r.parameters).padStart(10)} params, ${r.tensors} tensor${r.tensors === 1 ? '' : 's'}: ${r.reason}`,
      );
    if (reasons.length > limit) lines.push(`    ... and ${reasons.length - limit} more reasons (--json)`);
  };
  list('not analysed', c.notAnalysedReasons);
  list('blocked', c.blockedReasons);
  return lines.join('\n');
}
