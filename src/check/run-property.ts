/**
 * Runs a pruning property: for generated graphs and plans, a pruner's result
 * passes the given check. Failures come back as data (seed, path, the shrunk
 * counterexample and its findings); `formatCounterexample` prints them.
 */
import fc from 'fast-check';
import { isPruneguardError } from '../errors.js';
import { failing, type Finding } from '../findings.js';
import type { Family } from '../arbitraries/graph.js';
import type { PlanConstraints } from '../arbitraries/plan.js';
import type { Model } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';
import type { GroupAnalysis } from '../prune/groups.js';
import type { ShapeResult } from '../shape/types.js';
import { maskOracle, type Oracle } from '../invariants/mask-oracle.js';
import { primePlanReference } from '../invariants/plan-reference.js';
import type { Counterexample } from './counterexample.js';
import { caseRecipe, materialize, type CaseRecipe, type MaterialCase } from './prune-case.js';
import { PrunerDeclined, PrunerFailure } from './command/outcome.js';
import { propertyConfig } from './config.js';
import { checkStructure } from './structure.js';

/**
 * A pruner under test. `analysis` is a fresh analyzeGroups(dense) it may consume (or ignore).
 * It may be async (an external command: see command/command-pruner.ts); throwing PrunerFailure
 * makes a finding, PrunerDeclined a declined case.
 */
export type Pruner = (dense: Model, plan: Plan, analysis?: GroupAnalysis) => Model | Promise<Model>;
export type CaseCheck = (c: {
  dense: Model;
  pruned: Model;
  plan: Plan;
  denseShapes?: ShapeResult;
  oracle?: Oracle;
}) => Promise<Finding[]> | Finding[];

export interface PropertyRun {
  name: string;
  pruner: Pruner;
  check: CaseCheck;
  families?: readonly Family[];
  plans?: PlanConstraints;
  runs: number;
  seed: number;
  path?: string;
  /** Builds the replay command for a seed and path. */
  replay: (seed: number, path: string) => string;
  /** Build the mask oracle from the case's own analysis, for checks that execute it (saves an analysis per case). */
  oracle?: boolean;
  /**
   * Skipped cases allowed per executed case (fast-check's maxSkipsPerRun, default 10): raise it for partial pruners
   * that decline a lot.
   */
  maxSkipsPerRun?: number;
  /** Shrink a failure (default true); false reports the first failing case as generated. */
  shrink?: boolean;
}

/** What a property run did: cases, seed, pass or the shrunk counterexample. */
export interface PropertyOutcome {
  name: string;
  seed: number;
  /** Cases executed (up to and including the first failure). */
  cases: number;
  /** Cases skipped because the pruner refused the plan or the plan was empty (declined ones included). */
  skipped: number;
  /** Cases an external pruner declined (its documented exit code): not supported, not judged. */
  declined: number;
  counterexample?: Counterexample;
}

/**
 * Findings for one case; a pruner that refuses the plan (bad plan, blocked group) yields undefined.
 * Empty plans still run: a buggy pruner may break a graph it was asked to leave alone.
 */
export async function evaluateCase(
  m: MaterialCase,
  pruner: Pruner,
  check: CaseCheck,
  withOracle = false,
  counts?: { declined: number },
): Promise<Finding[] | undefined> {
  let pruned: Model;
  // The dense shapes and the oracle come from the analysis, before a pruner consumes it.
  const denseShapes = m.analysis?.prop.shapes;
  let oracle: Oracle | undefined;
  try {
    if (withOracle && m.analysis) oracle = maskOracle(m.dense, m.plan, m.analysis);
    // pruneguard's own prune of the plan (plan-fulfilled and interface-consistency compare with it)
    // from the same analysis: one analysis per case instead of two.
    if (m.analysis) primePlanReference(m.dense, m.plan, m.analysis);
    const analysis = m.analysis;
    m.analysis = undefined; // a pruner under test may edit it: a second evaluation of the same case analyses afresh
    pruned = await pruner(m.dense, m.plan, analysis);
  } catch (e) {
    if (e instanceof PrunerFailure) return [e.finding];
    if (e instanceof PrunerDeclined) {
      if (counts) counts.declined++;
      return undefined;
    }
    if (isPruneguardError(e) && (e.code === 'E_BAD_PLAN' || e.code === 'E_PRUNE_BLOCKED')) return undefined;
    throw e;
  }
  return failing(
    await check({
      dense: m.dense,
      pruned,
      plan: m.plan,
      ...(denseShapes ? { denseShapes } : {}),
      ...(oracle ? { oracle } : {}),
    }),
  );
}

/** A property run as users write it: only the pruner is required (see `runPruneProperty`). */
export type PropertyRunOptions = Pick<PropertyRun, 'pruner'> & Partial<Omit<PropertyRun, 'pruner'>>;

/** The name of a run that names none. */
export const DEFAULT_PROPERTY = 'the pruner passes every invariant';

/**
 * Fills what a run leaves out: every structural and executed invariant with the mask oracle (as
 * `pruneguard fuzz` checks), PRUNEGUARD_RUNS cases (default 100), PRUNEGUARD_SEED / PRUNEGUARD_PATH
 * to replay, and a replay line that sets them.
 */
export function withDefaults(o: PropertyRunOptions): PropertyRun {
  const cfg = propertyConfig(100);
  return {
    name: DEFAULT_PROPERTY,
    check: (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
    oracle: o.check === undefined,
    runs: cfg.runs,
    seed: cfg.seed,
    // PRUNEGUARD_PATH belongs to PRUNEGUARD_SEED: a run given its own seed never takes it.
    ...(cfg.path && o.seed === undefined ? { path: cfg.path } : {}),
    replay: (seed, path) => `PRUNEGUARD_SEED=${seed} PRUNEGUARD_PATH=${path} npx vitest run`,
    ...o,
  };
}

/**
 * Runs a pruning property over generated graphs and plans; only the pruner is required:
 *
 * @example
 * const outcome = await runPruneProperty({ pruner: commandPruner('python3 prune.py {model} {plan} {out}') });
 * if (outcome.counterexample) expect.fail(formatCounterexample(outcome.counterexample));
 */
export async function runPruneProperty(options: PropertyRunOptions): Promise<PropertyOutcome> {
  const p = withDefaults(options);
  const counts = { declined: 0 };
  const property = fc.asyncProperty(caseRecipe(p.families, p.plans), async (recipe: CaseRecipe) => {
    const findings = await evaluateCase(materialize(recipe, p.plans), p.pruner, p.check, p.oracle, counts);
    if (!findings) fc.pre(false);
    return findings!.length === 0;
  });
  const details = await fc.check(property, {
    numRuns: p.runs,
    seed: p.seed,
    ...(p.path ? { path: p.path } : {}),
    maxSkipsPerRun: p.maxSkipsPerRun ?? 10,
    ...(p.shrink === false ? { endOnFailure: true } : {}),
  });
  // Declines counted while shrinking are not generated cases: cap at the skips fast-check saw.
  const outcome: PropertyOutcome = {
    name: p.name,
    seed: p.seed,
    cases: details.numRuns,
    skipped: details.numSkips,
    declined: Math.min(counts.declined, details.numSkips),
  };
  if (details.failed && details.counterexample && details.counterexamplePath !== null) {
    const m = materialize(details.counterexample[0], p.plans);
    let findings: Finding[];
    try {
      findings = (await evaluateCase(m, p.pruner, p.check)) ?? [];
    } catch (e) {
      findings = [
        { invariant: 'pruner', failureMode: 'shape-mismatch', message: `the pruner crashed: ${(e as Error).message}` },
      ];
    }
    if (details.errorInstance && findings.length === 0) {
      findings = [
        {
          invariant: 'harness',
          failureMode: 'shape-mismatch',
          message: `the property threw: ${String((details.errorInstance as Error).message ?? details.errorInstance)}`,
        },
      ];
    }
    outcome.counterexample = {
      property: p.name,
      seed: details.seed,
      path: details.counterexamplePath,
      case: m,
      findings,
      replay: p.replay(details.seed, details.counterexamplePath),
    };
  }
  return outcome;
}
