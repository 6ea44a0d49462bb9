/** `pruneguard scenario new <slug>`: scaffolds an incident scenario, blank or from a counterexample. */
import { join, resolve } from 'node:path';
import { runSelftest } from '../../check/selftest.js';
import { PruneguardError } from '../../errors.js';
import { faultById, FAULTS } from '../../faults/index.js';
import {
  blankScenario,
  counterexampleScenario,
  importsFor,
  writeScenario,
  type ScaffoldTarget,
} from '../../scenarios/scaffold.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';

export function scaffoldTarget(root: string, slug: string): ScaffoldTarget {
  return { dir: join(root, 'scenarios'), slug, from: importsFor(root) };
}

/** Replays a self-test counterexample (fault, seed, path) and saves it as scenarios/<slug>.scenario.ts. */
export async function saveCounterexampleScenario(
  target: ScaffoldTarget,
  faultId: string,
  seed: number,
  path: string,
): Promise<string> {
  const fault = faultById(faultId);
  if (!fault)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `unknown fault '${faultId}' (known: ${FAULTS.map((f) => f.id).join(', ')})`,
    );
  const [r] = await runSelftest({ faults: [fault], seed, path, runs: 1 });
  const cx = r.counterexample;
  if (!cx)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `fault ${faultId} with seed ${seed} and path ${path} does not fail: nothing to save ` +
        `(copy the replay command a failing run printed)`,
    );
  return writeScenario(
    target,
    counterexampleScenario(target, {
      fault: fault.id,
      failureMode: fault.failureMode,
      caughtBy: fault.caughtBy,
      bug: fault.bug,
      seed: cx.seed,
      path: cx.path,
      replay: cx.replay,
      recipe: cx.case.recipe,
      plan: cx.case.plan,
    }),
  );
}

export const scenarioCommand = defineCommand({
  name: 'scenario',
  usage: 'new <slug> [--root DIR] [--fault ID --seed S --path P] [--json]',
  description: `Writes scenarios/<slug>.scenario.ts (never overwrites an existing file).
With --fault/--seed/--path (the replay parameters a failing self-test prints)
the scenario embeds that counterexample's graph recipe and plan: the faulty
variant is the fault injector, the fixed variant pruneguard's pruner.
Then record its golden file on purpose: npx vitest run scenarios -u`,
  exitCodes: '0 written, 2 bad input or the file exists.',
  options: {
    root: opt.path('DIR', 'the folder holding scenarios/ (default .)'),
    fault: opt.text('ID', 'the fault injector of the counterexample'),
    seed: opt.integer('S', "the counterexample's seed", { min: 0, max: 2 ** 31 - 1 }),
    path: opt.text('P', "the counterexample's shrink path"),
    json: opt.flag('print {file} as JSON on stdout'),
  },
  async run({ values, positionals }, io) {
    const [verb, slug, ...extra] = positionals;
    if (verb !== 'new' || !slug || extra.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        'usage: pruneguard scenario new <slug> (see pruneguard scenario --help)',
      );
    const root = resolve(values.root ?? '.');
    const target = scaffoldTarget(root, slug);
    let file: string;
    if (values.fault !== undefined || values.seed !== undefined || values.path !== undefined) {
      if (values.fault === undefined || values.seed === undefined || values.path === undefined)
        throw new PruneguardError('E_BAD_ARGUMENT', '--fault, --seed and --path go together');
      file = await saveCounterexampleScenario(target, values.fault, values.seed, values.path);
    } else {
      file = writeScenario(target, blankScenario(target));
    }
    io.out(
      values.json
        ? JSON.stringify({ file })
        : `wrote ${file}\nnext: fill in the incident, then record its golden on purpose: npx vitest run scenarios -u`,
    );
    return EXIT.ok;
  },
});
