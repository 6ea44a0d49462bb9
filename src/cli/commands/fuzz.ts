/** `pruneguard fuzz --pruner 'CMD {model} {plan} {out}'`: any pruner under the generators, invariants and shrinking. */
import { formatCounterexample } from '../../check/counterexample.js';
import { DECLINE_EXIT } from '../../check/command/outcome.js';
import { runFuzz, type FuzzOptions } from '../../check/fuzz.js';
import { FAMILIES } from '../../arbitraries/graph.js';
import type { PlanConstraints } from '../../arbitraries/plan.js';
import { PruneguardError } from '../../errors.js';
import { commandScenario } from '../../scenarios/scaffold-command.js';
import { writeScenario } from '../../scenarios/scaffold.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { scaffoldTarget } from './scenario.js';

const PARTS = ['channels', 'heads', 'unstructured', 'nm'] as const;

function list<T extends string>(known: readonly T[]) {
  return (text: string, flag: string): T[] => {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !known.includes(i as T));
    if (bad.length || !items.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `${flag} takes a comma-separated list of ${known.join(', ')}; got '${text}'`,
      );
    return items as T[];
  };
}

function seconds(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0)
    throw new PruneguardError('E_BAD_ARGUMENT', `${flag} must be a positive number of seconds, got '${text}'`);
  return v;
}

export const fuzzCommand = defineCommand({
  name: 'fuzz',
  usage:
    "--pruner 'CMD {model} {plan} {out}' [--runs N] [--seed S] [--path P] [--families F,...] [--parts P,...] " +
    '[--timeout-per-case S] [--save-scenario SLUG] [--json]',
  description: `For each generated case, writes the dense model ({model}, ONNX) and the plan ({plan}, JSON:
a pruneguard plan with every group's channels and heads given as indices) to a fresh temporary
folder, runs the command, reads the pruned model it wrote to {out}, removes the folder, and checks
every structural and executed invariant, the mask oracle, plan-fulfilled and interface-consistency.
{groups} (optional) is a JSON file resolving each planned group to the stored tensors it slices:
[{id, kind, remove, members: [{tensor, axis, remove}]}].

The template is split into argv without a shell: whitespace separates words; '...' quotes
literally; "..." quotes with \\" and \\\\ escapes; nothing is expanded ($VAR, globs, ;, | are
plain characters). Placeholders are replaced inside words, so paths with spaces stay one argument.
For a shell, say so: sh -c '...' {model} {plan} {out}.

The command's failures are findings (pruner-protocol): a non-zero exit (with its stderr), a
timeout (--timeout-per-case, default 60 s), no file at {out}, a file that is not an ONNX model.
Exit code ${DECLINE_EXIT} declines a case (a plan or graph the pruner does not support): it is
counted and skipped. A failure is shrunk (each step re-runs the command) and printed with its
files (kept), the command line, and a replay line; --save-scenario SLUG saves it as
scenarios/SLUG.scenario.ts, a scenario that runs the same command.`,
  exitCodes: '0 every case passed, 1 a counterexample (findings), 2 bad input.',
  options: {
    pruner: opt.text("'CMD {model} {plan} {out}'", 'the pruner command template (required)'),
    runs: opt.count('generated cases', 100),
    seed: opt.seed('fast-check seed', 1),
    path: opt.text('P', 'replay straight to this shrink path'),
    families: opt.custom(
      'F,...',
      `graph families: ${FAMILIES.join(', ')} (default residual,attention,normalization)`,
      list(FAMILIES),
    ),
    parts: opt.custom('P,...', `plan parts (default all: ${PARTS.join(',')})`, list(PARTS)),
    'timeout-per-case': opt.custom('S', 'seconds a case may take before the command is killed (default 60)', seconds),
    'save-scenario': opt.text('SLUG', 'save the counterexample as scenarios/SLUG.scenario.ts'),
    json: opt.flag('print the outcome as JSON on stdout'),
  },
  async run({ values }, io) {
    if (typeof values.pruner !== 'string')
      throw new PruneguardError('E_BAD_ARGUMENT', "--pruner 'CMD {model} {plan} {out}' is required");
    const { families, parts } = values;
    const o: FuzzOptions = {
      template: values.pruner,
      runs: values.runs,
      seed: values.seed,
      ...(values.path ? { path: values.path } : {}),
      ...(families ? { families } : {}),
      ...(parts ? { parts: parts as PlanConstraints['parts'] } : {}),
      ...(values['timeout-per-case'] !== undefined ? { timeoutSeconds: values['timeout-per-case'] } : {}),
    };
    const outcome = await runFuzz(o);
    const cx = outcome.counterexample;
    if (values['save-scenario'] !== undefined) {
      if (!cx)
        throw new PruneguardError('E_BAD_ARGUMENT', '--save-scenario needs a failing run: nothing was found to save');
      const target = scaffoldTarget(process.cwd(), values['save-scenario']);
      const failingFindings = cx.findings.filter((f) => f.severity !== 'warning');
      const file = writeScenario(
        target,
        commandScenario(target, {
          template: o.template,
          timeoutSeconds: o.timeoutSeconds,
          replay: cx.replay,
          recipe: cx.case.recipe,
          plan: cx.case.plan,
          caughtBy: [...new Set(failingFindings.map((f) => f.invariant))].sort(),
          firstFinding: failingFindings[0]?.message ?? '',
          failureMode: failingFindings[0]?.failureMode ?? 'shape-mismatch',
        }),
      );
      io.err(`wrote ${file}\nnext: record its golden on purpose: npx vitest run scenarios -u`);
    }
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            ok: !cx,
            runs: o.runs,
            seed: outcome.seed,
            cases: outcome.cases,
            skipped: outcome.skipped,
            declined: outcome.declined,
            ...(cx
              ? {
                  counterexample: {
                    path: cx.path,
                    replay: cx.replay,
                    findings: cx.findings,
                    plan: cx.case.plan,
                    recipe: cx.case.recipe,
                    files: outcome.files?.paths,
                    command: outcome.files?.commandLine,
                    rerun: outcome.rerun,
                  },
                }
              : {}),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(
        `${outcome.cases} cases, ${outcome.declined} declined by the ` +
          `pruner, ${outcome.skipped - outcome.declined} skipped (plan refused or empty); seed ${outcome.seed}`,
      );
      if (cx) {
        io.out(formatCounterexample(cx));
        io.out(`  files: ${outcome.files!.dir} (model.onnx, plan.json, groups.json; kept)`);
        io.out(`  command: ${outcome.files!.commandLine}`);
        io.out(`  on these files the command: ${outcome.rerun}`);
      } else {
        io.out('no counterexample: the pruner passed every invariant on every case it accepted');
      }
    }
    return cx ? EXIT.findings : EXIT.ok;
  },
});
