/** `pruneguard scenarios [--json]`: runs every incident scenario and prints its verdicts. */
import { resolve } from 'node:path';
import { explainResult } from '../../scenarios/explain.js';
import { parseShard, runAllScenarios, scenarioSummary } from '../../scenarios/run-all.js';
import type { ScenarioResult } from '../../scenarios/run.js';
import { EXIT, type Command } from '../command.js';

export function scenarioRow(r: ScenarioResult): string {
  const f = r.variants.faulty;
  const x = r.variants.fixed;
  return `${r.ok ? 'ok  ' : 'FAIL'} ${r.id.padEnd(34)} ${r.failureMode.padEnd(25)} faulty ${f.verdict}${f.caughtBy.length ? ` by ${f.caughtBy.join(', ')}` : ''}; fixed ${x.verdict}  (${(r.ms / 1000).toFixed(1)} s)`;
}

export const scenariosCommand: Command = {
  name: 'scenarios',
  help: `Usage: pruneguard scenarios [--json] [--root DIR] [--only ID ...] [--shard i/n] [--verbose]

Runs every scenarios/*.scenario.ts under --root (default: the current folder).
Each scenario's faulty variant must be caught by one of its named invariants
or gates and its fixed variant must pass; numbers are measured live.
--json prints the list with verdicts and measurements.

Exit codes: 0 every scenario behaves, 1 a scenario does not, 2 bad input.`,
  options: {
    json: { type: 'boolean' },
    root: { type: 'string' },
    only: { type: 'string', multiple: true },
    shard: { type: 'string' },
    verbose: { type: 'boolean' },
  },
  async run({ values }, io) {
    const root = resolve(String(values.root ?? '.'));
    const results = await runAllScenarios({
      root,
      only: (values.only as string[] | undefined) ?? [],
      ...(values.shard ? { shard: parseShard(String(values.shard)) } : {}),
      onResult: values.json ? undefined : (r) => io.out(values.verbose || !r.ok ? `${scenarioRow(r)}\n${explainResult(r)}` : scenarioRow(r)),
    });
    if (values.json) io.out(JSON.stringify({ scenarios: scenarioSummary(results) }, null, 2));
    else io.out(`${results.filter((r) => r.ok).length}/${results.length} scenarios behave`);
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
  },
};
