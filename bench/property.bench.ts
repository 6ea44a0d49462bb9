/**
 * Property throughput: generated pruning cases per second, static invariants
 * only and with onnxruntime execution, against the cost of onnxruntime session
 * creation + one run of the same pruned graphs measured in the same run (the
 * harness's own overhead as a ratio). Issue targets: >= 1,000 static cases/s
 * and >= 200 executed cases/s on one core for graphs up to ~30 nodes.
 */
import fc from 'fast-check';
import { caseRecipe, materialize } from '../src/check/prune-case.js';
import { checkStructure, checkStructureStatic } from '../src/check/structure.js';
import { deriveSizes } from '../src/invariants/case.js';
import type { Model } from '../src/ir/types.js';
import type { Plan } from '../src/prune/plan.js';
import { prune } from '../src/prune/prune.js';
import { randomInputs } from '../src/runtime/random-inputs.js';
import { run } from '../src/runtime/run.js';
import { createSession, releaseSession } from '../src/runtime/session.js';
import { entry, median, type Benchmark } from './harness.js';

const CASES = 60;

function cases() {
  // The residual family, whose graphs are ~30 nodes (the size the targets are stated for).
  return fc.sample(caseRecipe(['residual']), { seed: 11, numRuns: CASES });
}

async function perCase(fn: (r: ReturnType<typeof cases>[number]) => Promise<unknown> | unknown, rounds = 3): Promise<number> {
  const recipes = cases();
  for (const r of recipes.slice(0, 5)) await fn(r); // warm-up
  const totals: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const start = performance.now();
    for (const r of recipes) await fn(r);
    totals.push((performance.now() - start) / recipes.length);
  }
  return median(totals);
}

function pruneCase(r: ReturnType<typeof cases>[number]): { dense: Model; pruned: Model; plan: Plan } | undefined {
  const m = materialize(r);
  try {
    return { dense: m.dense, pruned: prune(m.dense, m.plan, { analysis: m.analysis }).model, plan: m.plan };
  } catch {
    return undefined;
  }
}

const benchmark: Benchmark = {
  name: 'property',
  async run() {
    const nodes = cases().map((r) => materialize(r).dense.graph.nodes.length);
    const staticMs = await perCase((r) => {
      const c = pruneCase(r);
      if (c) checkStructureStatic(c);
    });
    const executedMs = await perCase(async (r) => {
      const c = pruneCase(r);
      if (c) await checkStructure(c, { stopEarly: true });
    }, 1);
    // Baseline: what onnxruntime alone needs for the same pruned graphs: one session + one run each.
    const pruned = cases().map(pruneCase).filter((c): c is NonNullable<typeof c> => !!c);
    const ortMs = await perCase(async () => {}, 1) + (await (async () => {
      const start = performance.now();
      for (const c of pruned) {
        const s = await createSession(c.pruned);
        await run(s, randomInputs(c.dense, deriveSizes(c.dense, [1])[0], { seed: 0 }));
        await releaseSession(s);
      }
      return (performance.now() - start) / pruned.length;
    })());
    const meanNodes = nodes.reduce((a, b) => a + b, 0) / nodes.length;
    return [
      entry(`static property case (generate + prune + static invariants), residual graphs of ${meanNodes.toFixed(0)} nodes on average, ms/case vs ort session + 1 run`, staticMs, 'ms', ortMs, null),
      entry('static property throughput (target >= 1000)', 1000 / staticMs, 'cases/s'),
      entry('executed property case (static + ort shape-consistency + mask-equivalence), ms/case vs ort session + 1 run', executedMs, 'ms', ortMs, null),
      entry('executed property throughput (target >= 200)', 1000 / executedMs, 'cases/s'),
    ];
  },
};

export default benchmark;
