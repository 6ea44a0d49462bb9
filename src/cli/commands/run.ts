/** `pruneguard run`: the main job — scenarios, a short property run, the self-test, the reports. */
import { resolve } from 'node:path';
import { readCoverage } from '../../report/coverage.js';
import { runMainJob } from '../../report/main-job.js';
import { buildReport } from '../../report/model.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { formatSummary } from '../../report/summary.js';
import { writeReport } from '../../report/write.js';
import { PruneguardError } from '../../errors.js';
import { parseShard, scenarioSummary } from '../../scenarios/run-all.js';
import { EXIT, type Command } from '../command.js';
import { scenarioRow } from './scenarios.js';

function count(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new PruneguardError('E_BAD_ARGUMENT', `--${name} must be a positive integer, got '${String(raw)}'`);
  return v;
}

export const runCommand: Command = {
  name: 'run',
  help: `Usage: pruneguard run [--json] [--root DIR] [--out DIR] [--runs N] [--fault-runs N] [--seed S]
                      [--shard i/n --part FILE] [--coverage DIR]

Runs every scenarios/*.scenario.ts, pruneguard's pruner on generated residual,
attention and normalization graphs against every structural invariant, and the
fault-injector self-test; prints a summary per failure mode and writes
reports/report.{json,md,html} atomically. With --shard/--part it runs its share
and writes only a report part, for \`pruneguard report --merge\`.
--coverage reads V8 coverage written by \`npx vitest run --coverage\` (default coverage/).
--json prints the scenario list with verdicts.

Exit codes: 0 all good, 1 a scenario, property or fault self-test failed, 2 bad input.`,
  options: {
    json: { type: 'boolean' }, root: { type: 'string' }, out: { type: 'string' }, runs: { type: 'string' }, 'fault-runs': { type: 'string' },
    seed: { type: 'string' }, shard: { type: 'string' }, part: { type: 'string' }, coverage: { type: 'string' },
  },
  async run({ values }, io) {
    const root = resolve(String(values.root ?? '.'));
    const shard = values.shard ? parseShard(String(values.shard)) : undefined;
    if (shard && !values.part) throw new PruneguardError('E_BAD_ARGUMENT', '--shard needs --part FILE (a shard writes a part; merge parts with pruneguard report --merge)');
    const quiet = !!values.json;
    const part = await runMainJob({
      root, shard,
      runs: count('runs', values.runs, 25), faultRuns: count('fault-runs', values['fault-runs'], 60), seed: count('seed', values.seed, 1),
      onScenario: quiet ? undefined : (r) => io.out(scenarioRow(r)),
      onProperty: quiet ? undefined : (p) => io.out(`${p.passed ? 'ok  ' : 'FAIL'} property: ${p.name} (${p.cases} cases, seed ${p.seed})${p.replay ? `\n     replay: ${p.replay}` : ''}`),
    });
    const report = buildReport(part, readCoverage(resolve(root, String(values.coverage ?? 'coverage')), root));
    const out = resolve(root, String(values.out ?? 'reports'));
    if (values.part) writeFileAtomic(resolve(String(values.part)), JSON.stringify(part));
    else writeReport(out, report, part);
    if (values.json) io.out(JSON.stringify({ ok: report.ok, scenarios: scenarioSummary(part.scenarios) }, null, 2));
    else io.out(formatSummary(report, values.part ? undefined : out));
    return report.ok ? EXIT.ok : EXIT.findings;
  },
};
