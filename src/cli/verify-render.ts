/** The feeds `prune --verify` runs on, and its text report: one line per output, saying how it was judged. */
import type { Model } from '../ir/types.js';
import { defaultFeeds } from '../prune/feeds.js';
import type { PruneVerification } from '../prune/verify-plan.js';
import type { VerifyResult } from '../prune/verify.js';
import type { Feeds } from '../runtime/index.js';
import type { OutputJudgement } from '../runtime/judge.js';
import type { RunInputs } from './run-inputs.js';

/**
 * --inputs as given; else two seeded random feed sets (the second larger where dims are free, or at the --shape sizes),
 * the first feeding a value that decides a branch its deciding value (a sample rate of 16000), the second random.
 */
export function verifyFeeds(dense: Model, inputs: RunInputs): Feeds[] {
  if (inputs.feeds) return [inputs.feeds];
  return [defaultFeeds(dense, 1, 1, inputs.fixed, 0), defaultFeeds(dense, 2, 2, inputs.fixed, 1)];
}

const exp = (x: number) => x.toExponential(2);

function outputLine(o: OutputJudgement): string {
  const verdict = o.uninformative ? `uninformative: ${o.uninformative}` : o.pass ? 'pass' : 'FAIL';
  if (o.mismatch) return `  ${o.name}: ${o.mismatch} — FAIL`;
  if (o.judged === 'agreement') {
    return (
      `  ${o.name}: agreement ${(100 * o.agreement).toFixed(2)}% (needs ${(100 * o.threshold!).toFixed(0)}%), ` +
      `max deviation ${exp(o.maxDeviation)}; judged by agreement: ${o.basis} — ${verdict}`
    );
  }
  return (
    `  ${o.name}: max deviation ${exp(o.maxDeviation)} (atol ${exp(o.atol)}, rtol ${exp(o.rtol)}); ` +
    `judged by tolerance: ${o.basis} — ${verdict}`
  );
}

function failures(v: VerifyResult): string[] {
  return [
    ...(v.prunedError ? [`  ${v.prunedError}`] : []),
    ...(v.shapeMismatch ? [`  output shapes differ: ${v.shapeMismatch}`] : []),
  ];
}

/** The `verify:` section of `prune`'s text report. */
export function renderVerify(v: PruneVerification): string {
  const lines: string[] = [];
  const at = `on ${v.runs.join('; ')}`;
  if (v.status === 'inconclusive') {
    lines.push(
      `verify: inconclusive — no output has a nonzero value on these inputs, so no pruning error could show ` +
        `(max deviation ${exp(v.maxDeviation)}; ${at}); run on real samples with --inputs FILE.npz`,
      ...v.outputs.map(outputLine),
    );
    return lines.join('\n');
  }
  if (v.exact) {
    lines.push(
      `verify: max deviation from the mask ` +
        `oracle ${exp(v.maxDeviation)} — ${v.status === 'pass' ? 'pass' : 'FAIL'} (${at})`,
    );
    lines.push(...failures(v), ...v.outputs.map(outputLine));
    return lines.join('\n');
  }
  if (v.prunedError || v.shapeMismatch) {
    lines.push(`verify: FAIL (${at})`, ...failures(v));
  } else {
    lines.push(
      `verify: inexact — the pruned model runs with the dense output shapes; ` +
        `max deviation from the mask oracle ${exp(v.maxDeviation)} is information, not a verdict (${at})`,
    );
  }
  for (const i of v.inexact)
    lines.push(
      `  not mask-exact: ${i.group}: ` +
        `${i.reasons.slice(0, 2).join('; ')}${i.reasons.length > 2 ? ` (and ${i.reasons.length - 2} more)` : ''}`,
    );
  if (v.exactPart) {
    const p = v.exactPart;
    lines.push(
      `verify (the ${p.groups.length} mask-exact group(s) alone): ` +
        `max deviation ${exp(p.maxDeviation)} — ${p.status === 'pass' ? 'pass' : 'FAIL'}`,
    );
    lines.push(...failures(p), ...p.outputs.map(outputLine));
  }
  return lines.join('\n');
}
