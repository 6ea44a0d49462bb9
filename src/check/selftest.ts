/**
 * The quality suite: every fault injector must be *found* by the invariants of
 * its failure mode and shrunk to a small counterexample (Hypothesis's
 * tests/quality idea). Reports, per fault: caught or not, generated cases until
 * the first catch, and the size of the shrunk counterexample.
 */
import { analyzeGroups } from '../prune/groups.js';
import { FAULTS, type Fault } from '../faults/index.js';
import { graphSize } from '../arbitraries/size.js';
import type { Counterexample } from './counterexample.js';
import { runPruneProperty } from './run-property.js';
import { checkStructure, GUARDS } from './structure.js';

/** One fault injector's selftest result: caught or not, by which invariants, after how many cases, shrunk to what. */
export interface FaultResult {
  fault: string;
  failureMode: string;
  caught: boolean;
  /** Caught by an invariant the fault is expected to be caught by. */
  caughtByExpected: boolean;
  caughtBy: string[];
  casesToFirstCatch: number | null;
  skipped: number;
  shrunk: { nodes: number; channels: number } | null;
  seed: number;
  counterexample?: Counterexample;
}

export interface SelftestOptions {
  runs?: number;
  seed?: number;
  faults?: readonly Fault[];
  /** Replay straight to a recorded counterexample. */
  path?: string;
  replay?: (fault: Fault, seed: number, path: string) => string;
  onResult?: (r: FaultResult) => void;
}

/** Runs every fault injector through the properties and reports which invariants catch each, and how fast. */
export async function runSelftest(o: SelftestOptions = {}): Promise<FaultResult[]> {
  const results: FaultResult[] = [];
  for (const fault of o.faults ?? FAULTS) {
    const seed = o.seed ?? 1;
    const guards = fault.guards ?? GUARDS[fault.failureMode];
    const outcome = await runPruneProperty({
      name: `fault ${fault.id} is caught`,
      pruner: (dense, plan) => fault.prune(dense, plan),
      check: (c) => checkStructure(c, { only: guards, stopEarly: true, optimization: 'disabled', merge: true }),
      oracle: guards?.includes('mask-equivalence') ?? false,
      families: fault.families,
      plans: fault.plans,
      runs: o.runs ?? 200,
      seed,
      ...(o.path ? { path: o.path } : {}),
      replay: (s, path) =>
        o.replay?.(fault, s, path) ?? `pruneguard selftest --fault ${fault.id} --seed ${s} --path ${path}`,
    });
    const cx = outcome.counterexample;
    const caughtBy = [...new Set(cx?.findings.map((f) => f.invariant) ?? [])].sort();
    const result: FaultResult = {
      fault: fault.id,
      failureMode: fault.failureMode,
      caught: !!cx,
      caughtByExpected: caughtBy.some((i) => fault.caughtBy.includes(i)),
      caughtBy,
      casesToFirstCatch: cx ? outcome.cases : null,
      skipped: outcome.skipped,
      shrunk: cx
        ? {
            nodes: graphSize(cx.case.dense).nodes,
            channels: analyzeGroups(cx.case.dense)
              .groups.filter((g) => g.kind === 'channels')
              .reduce((s, g) => s + g.channels, 0),
          }
        : null,
      seed,
      ...(cx ? { counterexample: cx } : {}),
    };
    o.onResult?.(result);
    results.push(result);
  }
  return results;
}
