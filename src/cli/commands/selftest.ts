/** `pruneguard selftest [--json]`: every fault injector must be caught by its invariants and shrunk. */
import { formatCounterexample } from '../../check/counterexample.js';
import { runSelftest, type FaultResult } from '../../check/selftest.js';
import { PruneguardError } from '../../errors.js';
import { FAULTS } from '../../faults/index.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { saveCounterexampleScenario, scaffoldTarget } from './scenario.js';

function row(r: FaultResult): string {
  const verdict = r.caught ? (r.caughtByExpected ? 'caught' : 'caught (wrong invariant)') : 'MISSED';
  return (
    `${verdict.padEnd(10)} ${r.fault.padEnd(30)} ${String(r.casesToFirstCatch ?? '-').padStart(5)} cases   ` +
    `shrunk to ${r.shrunk ? `${r.shrunk.nodes} nodes, ${r.shrunk.channels} channels` : '-'}   ` +
    `by ${r.caughtBy.join(', ') || '-'}`
  );
}

export const selftest = defineCommand({
  name: 'selftest',
  usage: '[--json] [--runs N] [--seed S] [--fault ID [--path P] [--save-scenario SLUG]] [--verbose]',
  description: `Runs every fault injector (a deliberately wrong pruner reproducing a real bug)
against generated graphs and plans, and reports per fault: caught or not, the
number of generated cases until the first catch, and the size of the shrunk
counterexample. --fault with --seed/--path replays one counterexample;
--save-scenario SLUG saves it as scenarios/SLUG.scenario.ts (a regression scenario).

Faults: ${FAULTS.map((f) => f.id).join(', ')}`,
  exitCodes: "0 every fault caught by its failure mode's invariants, 1 a fault missed, 2 bad input.",
  options: {
    json: opt.flag('print the results as JSON on stdout'),
    runs: opt.count('generated cases per fault', 200),
    seed: opt.seed('fast-check seed', 1),
    fault: opt.text('ID', 'run one fault injector only'),
    path: opt.text('P', 'with --fault: replay straight to this shrink path'),
    verbose: opt.flag('print each counterexample'),
    'save-scenario': opt.text('SLUG', 'with --fault: save the counterexample as scenarios/SLUG.scenario.ts'),
  },
  async run({ values }, io) {
    const faults = values.fault ? FAULTS.filter((f) => f.id === values.fault) : FAULTS;
    if (faults.length === 0)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `unknown fault '${String(values.fault)}' (known: ${FAULTS.map((f) => f.id).join(', ')})`,
      );
    const { runs, seed } = values;
    const results = await runSelftest({
      faults,
      runs,
      seed,
      ...(values.path ? { path: values.path } : {}),
      onResult: values.json ? undefined : (r) => io.out(row(r)),
    });
    const ok = results.every((r) => r.caught && r.caughtByExpected);
    if (values['save-scenario'] !== undefined) {
      const cx = results.length === 1 ? results[0].counterexample : undefined;
      if (!cx)
        throw new PruneguardError(
          'E_BAD_ARGUMENT',
          '--save-scenario needs one --fault whose run fails (use the replay command a failing run printed)',
        );
      io.err(
        `wrote ${await saveCounterexampleScenario(
          scaffoldTarget(process.cwd(), values['save-scenario']),
          cx.property.replace(/^fault (.*) is caught$/, '$1'),
          cx.seed,
          cx.path,
        )}`,
      );
    }
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            runs,
            seed,
            ok,
            faults: results.map(({ counterexample, ...r }) => ({ ...r, replay: counterexample?.replay })),
          },
          null,
          2,
        ),
      );
    } else {
      const cases = results.map((r) => r.casesToFirstCatch ?? Infinity).sort((a, b) => a - b);
      io.out(
        `${results.filter((r) => r.caught).length}/${results.length} faults caught; ` +
          `median cases to first catch ${cases[Math.floor(cases.length / 2)]}`,
      );
      if (values.verbose) for (const r of results) if (r.counterexample) io.out(formatCounterexample(r.counterexample));
    }
    return ok ? EXIT.ok : EXIT.findings;
  },
});
