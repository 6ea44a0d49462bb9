/** `pruneguard run`: the main job — scenarios, a short property run, the self-test, the reports. */
import { resolve } from 'node:path';
import { readCoverage } from '../../report/coverage.js';
import { runMainJob } from '../../report/main-job.js';
import { buildReport } from '../../report/model.js';
import { checkOutput, writeOutput } from '../../fs/output.js';
import { checkFolder } from '../../fs/owned-folder.js';
import { isReportPart } from '../../report/merge.js';
import { formatSummary } from '../../report/summary.js';
import { writeReport } from '../../report/write.js';
import { PruneguardError } from '../../errors.js';
import { parseShard, scenarioSummary } from '../../scenarios/run-all.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { scenarioRow } from './scenarios.js';

export const runCommand = defineCommand({
  name: 'run',
  usage:
    '[--json] [--root DIR] [--out DIR] [--runs N] [--fault-runs N] [--seed S] [--shard i/n --part FILE] [--coverage ' +
    'DIR]',
  description: `Runs every scenarios/*.scenario.ts, pruneguard's pruner on generated residual,
attention and normalization graphs against every structural invariant, and the
fault-injector self-test; prints a summary per failure mode and writes
reports/report.{json,md,html} atomically. With --shard/--part it runs its share
and writes only a report part, for \`pruneguard report --merge\`.`,
  exitCodes: '0 all good, 1 a scenario, property or fault self-test failed, 2 bad input.',
  options: {
    json: opt.flag('print {ok, scenarios} as JSON on stdout (no progress lines)'),
    root: opt.path('DIR', 'the project folder holding scenarios/ (default .)'),
    out: opt.path('DIR', 'where the reports are written (default reports)'),
    runs: opt.count('cases per property', 25),
    'fault-runs': opt.count('cases per fault injector', 60),
    seed: opt.seed("the properties' and self-test's seed", 1),
    shard: opt.custom('i/n', 'run only shard i of n (needs --part)', (text) => parseShard(text)),
    part: opt.path('FILE', 'write a report part (for pruneguard report --merge) instead of reports/'),
    coverage: opt.path('DIR', 'V8 coverage written by `npx vitest run --coverage` (default coverage)'),
  },
  async run({ values }, io) {
    const root = resolve(values.root ?? '.');
    const shard = values.shard;
    if (shard && !values.part)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        '--shard needs --part FILE (a shard writes a part; merge parts with pruneguard report --merge)',
      );
    const partPath = values.part ? resolve(values.part) : undefined;
    // A part file is replaced only if it is an earlier report part (run has no --force).
    const partRule = { what: 'report part', inputs: [], owned: isReportPart };
    if (partPath) checkOutput(partPath, partRule);
    const out = resolve(root, values.out ?? 'reports');
    if (!partPath) checkFolder(out, 'report');
    const quiet = !!values.json;
    const part = await runMainJob({
      root,
      shard,
      runs: values.runs,
      faultRuns: values['fault-runs'],
      seed: values.seed,
      onScenario: quiet ? undefined : (r) => io.out(scenarioRow(r)),
      onProperty: quiet
        ? undefined
        : (p) =>
            io.out(
              `${p.passed ? 'ok  ' : 'FAIL'} property: ${p.name} (${p.cases} cases, ` +
                `seed ${p.seed})${p.replay ? `\n     replay: ${p.replay}` : ''}`,
            ),
    });
    const report = buildReport(part, readCoverage(resolve(root, values.coverage ?? 'coverage'), root));
    if (partPath) writeOutput(partPath, JSON.stringify(part), partRule);
    else writeReport(out, report, part);
    if (values.json) io.out(JSON.stringify({ ok: report.ok, scenarios: scenarioSummary(part.scenarios) }, null, 2));
    else io.out(formatSummary(report, values.part ? undefined : out));
    return report.ok ? EXIT.ok : EXIT.findings;
  },
});
