/** `pruneguard scenarios [--json]`: runs every incident scenario and prints its verdicts. */
import { resolve } from 'node:path';
import { explainResult } from '../../scenarios/explain.js';
import { parseShard, runAllScenarios, scenarioSummary } from '../../scenarios/run-all.js';
import type { ScenarioResult } from '../../scenarios/run.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';

export function scenarioRow(r: ScenarioResult): string {
  const f = r.variants.faulty;
  const x = r.variants.fixed;
  return (
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.id.padEnd(34)} ${r.failureMode.padEnd(25)} faulty ` +
    `${f.verdict}${f.caughtBy.length ? ` by ${f.caughtBy.join(', ')}` : ''}; fixed ${x.verdict}  ` +
    `(${(r.ms / 1000).toFixed(1)} s)`
  );
}

export const scenariosCommand = defineCommand({
  name: 'scenarios',
  usage: '[--json] [--root DIR] [--only ID ...] [--shard i/n] [--verbose]',
  description: `Runs every scenarios/*.scenario.ts under --root (default: the current folder).
Each scenario's faulty variant must be caught by one of its named invariants
or gates and its fixed variant must pass; numbers are measured live.`,
  exitCodes: '0 every scenario behaves, 1 a scenario does not, 2 bad input.',
  options: {
    json: opt.flag('print the list with verdicts and measurements as JSON on stdout'),
    root: opt.path('DIR', 'the folder holding scenarios/ (default .)'),
    only: opt.repeated('ID', 'run only these scenarios'),
    shard: opt.custom('i/n', 'run only shard i of n', (text) => parseShard(text)),
    verbose: opt.flag('explain every scenario, not only failing ones'),
  },
  async run({ values }, io) {
    const root = resolve(values.root ?? '.');
    const results = await runAllScenarios({
      root,
      only: values.only,
      ...(values.shard ? { shard: values.shard } : {}),
      onResult: values.json
        ? undefined
        : (r) => io.out(values.verbose || !r.ok ? `${scenarioRow(r)}\n${explainResult(r)}` : scenarioRow(r)),
    });
    if (values.json) io.out(JSON.stringify({ scenarios: scenarioSummary(results) }, null, 2));
    else io.out(`${results.filter((r) => r.ok).length}/${results.length} scenarios behave`);
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
  },
});
