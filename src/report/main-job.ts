/**
 * The main job: every incident scenario, a short property run (pruneguard's
 * pruner on each graph family against every structural invariant) and the
 * fault-injector self-test at small counts. Returns one report part; the
 * caller writes it (as a part for a shard, or as the report).
 */
import type { Family } from '../arbitraries/graph.js';
import { replayCommand } from '../check/counterexample.js';
import { runPruneProperty } from '../check/run-property.js';
import { runSelftest } from '../check/selftest.js';
import { checkStructure, GUARDS, STRUCTURAL_INVARIANTS } from '../check/structure.js';
import type { FailureMode } from '../findings.js';
import { prune } from '../prune/prune.js';
import { FAULTS } from '../faults/index.js';
import { inShard, runAllScenarios, type Shard } from '../scenarios/run-all.js';
import type { ScenarioResult } from '../scenarios/run.js';
import { versions } from '../scenarios/versions.js';
import { makePart, type FaultRecord, type PropertyRecord, type ReportPart } from './part.js';

export const FAMILIES: readonly Family[] = ['residual', 'attention', 'normalization'];

export interface MainJobOptions {
  root: string;
  /** Cases per pruner property (default 25). */
  runs?: number;
  /** Cases per fault in the self-test (default 60). */
  faultRuns?: number;
  seed?: number;
  shard?: Shard;
  onScenario?: (r: ScenarioResult) => void;
  onProperty?: (p: PropertyRecord) => void;
  onFault?: (f: FaultRecord) => void;
}

const structuralModes = (Object.entries(GUARDS) as [FailureMode, readonly string[]][]).map(([mode]) => mode);

export async function runMainJob(o: MainJobOptions): Promise<ReportPart> {
  const t0 = performance.now();
  const seed = o.seed ?? 1;
  const scenarios = await runAllScenarios({ root: o.root, shard: o.shard, onResult: o.onScenario });
  const properties: PropertyRecord[] = [];
  for (const family of inShard(FAMILIES, o.shard)) {
    const name = `the pruner on ${family} graphs passes every structural invariant`;
    const out = await runPruneProperty({
      name,
      families: [family],
      runs: o.runs ?? 25,
      seed,
      pruner: (dense, plan, analysis) => prune(dense, plan, analysis ? { analysis } : {}).model,
      check: (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
      oracle: true,
      replay: (s, path) =>
        replayCommand('properties/pruner.test.ts', `${family} graphs pass every executed invariant`, s, path),
    });
    const record: PropertyRecord = {
      name,
      failureModes: structuralModes,
      invariants: [...STRUCTURAL_INVARIANTS],
      seed,
      cases: out.cases,
      skipped: out.skipped,
      passed: !out.counterexample,
      ...(out.counterexample ? { replay: out.counterexample.replay } : {}),
    };
    o.onProperty?.(record);
    properties.push(record);
  }
  const faults: FaultRecord[] = (
    await runSelftest({ faults: inShard(FAULTS, o.shard), runs: o.faultRuns ?? 60, seed })
  ).map(({ counterexample: _cx, skipped: _s, ...f }) => f);
  for (const f of faults) o.onFault?.(f);
  return makePart({
    shard: o.shard ? `${o.shard.index}/${o.shard.count}` : 'main',
    versions: versions(),
    scenarios,
    properties,
    faults,
    ms: performance.now() - t0,
  });
}
