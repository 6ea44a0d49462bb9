/**
 * `fuzz`: an external pruner (a command template) under pruneguard's generators, every
 * structural and executed invariant, the mask oracle, plan-fulfilled and interface-consistency.
 * A failure shrinks as any property does (each shrink step re-runs the command); the
 * counterexample's files are then written once more to a folder that is kept, with the command
 * line that reproduces it by hand and the replay line that reproduces the whole run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Family } from '../arbitraries/graph.js';
import type { PlanConstraints } from '../arbitraries/plan.js';
import { PrunerDeclined, PrunerFailure } from './command/outcome.js';
import {
  commandPruner,
  runCase,
  writeCaseFiles,
  type CaseFiles,
  type CommandPrunerOptions,
} from './command/command-pruner.js';
import { quoteWord } from './command/template.js';
import { runPruneProperty, type PropertyOutcome } from './run-property.js';
import { checkStructure } from './structure.js';

/** An external pruner command to fuzz, with runs, seed, families and plan parts. */
export interface FuzzOptions extends CommandPrunerOptions {
  template: string;
  runs: number;
  seed: number;
  path?: string;
  families?: readonly Family[];
  parts?: PlanConstraints['parts'];
}

/** What a fuzz run found: the property outcome plus the cases the pruner declined. */
export interface FuzzOutcome extends PropertyOutcome {
  /** The counterexample's files (kept) and the command line that ran on them. */
  files?: CaseFiles;
  /** What the command did on the kept files: 'pruned' or its failure/decline, in one line. */
  rerun?: string;
}

export const FUZZ_PROPERTY = 'the external pruner passes every invariant';

/** The `pruneguard fuzz` line that replays a run (straight to its counterexample with `path`). */
export function fuzzReplay(o: Omit<FuzzOptions, 'runs'>, seed: number, path?: string): string {
  const args = ['pruneguard', 'fuzz', '--pruner', o.template, '--seed', String(seed)];
  if (path) args.push('--path', path);
  if (o.families) args.push('--families', o.families.join(','));
  if (o.parts) args.push('--parts', o.parts.join(','));
  if (o.timeoutSeconds !== undefined) args.push('--timeout-per-case', String(o.timeoutSeconds));
  return args.map(quoteWord).join(' ');
}

/**
 * Fuzzes an external pruner command: generated graphs and plans, its output checked by the structural invariants,
 * failures shrunk.
 */
export async function runFuzz(o: FuzzOptions): Promise<FuzzOutcome> {
  const pruner = commandPruner(o.template, o);
  const outcome: FuzzOutcome = await runPruneProperty({
    name: FUZZ_PROPERTY,
    pruner,
    families: o.families,
    plans: o.parts ? { parts: o.parts } : {},
    runs: o.runs,
    seed: o.seed,
    ...(o.path ? { path: o.path } : {}),
    check: (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
    oracle: true,
    replay: (seed, path) => fuzzReplay(o, seed, path),
  });
  const cx = outcome.counterexample;
  if (cx) {
    outcome.files = writeCaseFiles(
      mkdtempSync(join(tmpdir(), 'pruneguard-counterexample-')),
      pruner.words,
      cx.case.dense,
      cx.case.plan,
    );
    try {
      await runCase(outcome.files, o);
      outcome.rerun = `pruned (written to ${outcome.files.paths.out})`;
    } catch (e) {
      if (!(e instanceof PrunerFailure || e instanceof PrunerDeclined)) throw e;
      outcome.rerun = e.message;
    }
  }
  return outcome;
}
