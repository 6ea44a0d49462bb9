/**
 * Property throughput: generated pruning cases per second through the real
 * property runner (fast-check generation, pruning, invariants), static
 * invariants only and with onnxruntime execution, against the cost of
 * onnxruntime session creation + one run of the same pruned graphs measured in
 * the same run (the harness's own overhead as a ratio). Issue targets:
 * >= 1,000 static cases/s and >= 200 executed cases/s on one core for graphs
 * up to ~30 nodes; as ratios (issue 12), a static case <= 0.2x of one ort session
 * creation + run, an executed case <= 1.5x of an unoptimised session + run. The first cases of a process run before the
 * JIT has optimised the analysis and are about three times slower: that cold rate is
 * reported on its own. The throughput is the median of several property runs
 * with different seeds after it (the graphs, hence the cost, differ by seed),
 * as a suite of thousands of cases (PRUNEGUARD_RUNS=1000) runs.
 */
import fc from 'fast-check';
import { caseRecipe, materialize } from '../dist/check/prune-case.js';
import { runPruneProperty, type CaseCheck, type Pruner } from '../dist/check/run-property.js';
import { checkStructure, checkStructureStatic } from '../dist/check/structure.js';
import { deriveSizes } from '../dist/invariants/case.js';
import { prune } from '../dist/prune/prune.js';
import { randomInputs } from '../dist/runtime/random-inputs.js';
import { run } from '../dist/runtime/run.js';
import { createSession, releaseSession } from '../dist/runtime/session.js';
import { entry, median, type Benchmark } from './harness.js';

const pruner: Pruner = (dense, plan, analysis) => prune(dense, plan, { analysis }).model;

/** Cases per second of a property run of `runs` cases on residual graphs (~30 nodes). */
async function throughput(
  check: CaseCheck,
  runs: number,
  seed: number,
  oracle = false,
): Promise<{ perSecond: number; msPerCase: number }> {
  const start = performance.now();
  const outcome = await runPruneProperty({
    name: 'bench',
    pruner,
    check,
    families: ['residual'],
    runs,
    seed,
    oracle,
    replay: () => '',
  });
  const ms = performance.now() - start;
  if (outcome.counterexample) throw new Error(`bench property failed: ${outcome.counterexample.findings[0]?.message}`);
  const cases = outcome.cases + outcome.skipped;
  return { perSecond: (1000 * cases) / ms, msPerCase: ms / cases };
}

/** onnxruntime alone on the same kind of pruned graphs: one session (as served, and unoptimised) + one run each. */
async function ortPerCase(level: 'all' | 'disabled', n: number, seed: number): Promise<number> {
  const cases = fc.sample(caseRecipe(['residual']), { seed, numRuns: n }).flatMap((r) => {
    const m = materialize(r);
    try {
      return [{ dense: m.dense, pruned: prune(m.dense, m.plan, { analysis: m.analysis }).model }];
    } catch {
      return [];
    }
  });
  const start = performance.now();
  for (const c of cases) {
    const s = await createSession(c.pruned, { graphOptimizationLevel: level });
    await run(s, randomInputs(c.dense, deriveSizes(c.dense, [1])[0], { seed: 0 }));
    await releaseSession(s);
  }
  return (performance.now() - start) / cases.length;
}

/** Median rate over `seeds.length` property runs of `runs` cases each, and the slowest one. */
async function medianThroughput(
  check: CaseCheck,
  runs: number,
  seeds: number[],
  oracle = false,
): Promise<{ perSecond: number; slowest: number; msPerCase: number }> {
  const rates: number[] = [];
  for (const seed of seeds) rates.push((await throughput(check, runs, seed, oracle)).perSecond);
  const perSecond = median(rates);
  return { perSecond, slowest: Math.min(...rates), msPerCase: 1000 / perSecond };
}

const benchmark: Benchmark = {
  name: 'property',
  async run() {
    const statics: CaseCheck = (c) => checkStructureStatic(c);
    const executed: CaseCheck = (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true });
    const cold = await throughput(statics, 300, 1); // the process's first cases, JIT cold
    const st = await medianThroughput(statics, 1000, [2, 3, 4, 5, 6]);
    await throughput(executed, 40, 7, true); // warm-up of the executed path
    const ex = await medianThroughput(executed, 200, [8, 9, 10], true);
    const ortAll = await ortPerCase('all', 100, 5);
    const ortPlain = await ortPerCase('disabled', 100, 5);
    return [
      entry('static property throughput, first 300 cases of the process (JIT cold)', cold.perSecond, 'cases/s'),
      entry(
        'static property case on residual graphs (~30 nodes): ms/case vs ort session (all optimisations) + 1 run',
        st.msPerCase,
        'ms',
        ortAll,
        0.2,
      ),
      entry('static property throughput, median of 5 runs x 1000 cases (target >= 1000)', st.perSecond, 'cases/s'),
      entry('static property throughput, slowest of those runs', st.slowest, 'cases/s'),
      entry(
        'executed property case (static + ort shape-consistency + mask-equivalence): ms/case vs ort session ' +
          '(unoptimised) + 1 run',
        ex.msPerCase,
        'ms',
        ortPlain,
        1.5,
      ),
      entry('executed property throughput, median of 3 runs x 200 cases (target >= 200)', ex.perSecond, 'cases/s'),
      entry('executed property throughput, slowest of those runs', ex.slowest, 'cases/s'),
    ];
  },
};

export default benchmark;
