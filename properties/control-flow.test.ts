/**
 * Control flow: for all generated graphs with `If` branches that read main-graph weights (the
 * torch.jit.script idiom) and all channel/unstructured plans, pruning never deletes a name that is
 * still read (in any scope), and onnxruntime loads and runs the result. This is the property the
 * If-branch incident broke: weights used only inside a branch were dropped as "unused".
 * PRUNEGUARD_RUNS raises the count (the bar is 1,000+); a failure prints the seed, path and the
 * shrunk recipe with a replay command.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph, graphRecipe } from '../src/arbitraries/graph.js';
import { bindPlan, relativePlan } from '../src/arbitraries/plan.js';
import { replayCommand } from '../src/check/counterexample.js';
import { propertyConfig } from '../src/check/config.js';
import { isPruneguardError } from '../src/errors.js';
import { deriveSizes } from '../src/invariants/case.js';
import { indexGraph } from '../src/ir/graph-index.js';
import { undefinedNames } from '../src/ir/undefined-names.js';
import type { Model } from '../src/ir/types.js';
import { analyzeGroups } from '../src/prune/groups.js';
import { prune } from '../src/prune/prune.js';
import { createSession, randomInputs, releaseSession, run } from '../src/runtime/index.js';

const FILE = 'properties/control-flow.test.ts';
const NAME = 'pruning graphs with If branches never deletes a used name, and onnxruntime runs the result';

/** Main-graph weights some If branch reads without them being its inputs. */
function outerWeightsReadInBranches(model: Model): string[] {
  const index = indexGraph(model.graph);
  return [...index.implicitUses.keys()].filter(
    (name) => model.graph.initializers.has(name) || index.producer.get(name)?.opType === 'Constant',
  );
}

describe('the pruner on graphs with If branches', () => {
  const cfg = propertyConfig(60);
  // About 70 ms a case on this machine when loaded: deep runs (PRUNEGUARD_RUNS) get time to match.
  it(NAME, { timeout: 60_000 + cfg.runs * 250 }, async () => {
    console.log(`[pruneguard] ${NAME}: seed ${cfg.seed}, ${cfg.runs} runs`);
    let cases = 0,
      skipped = 0,
      branchWeights = 0;
    const arb = fc.record({
      recipe: graphRecipe(['control-flow']),
      plan: relativePlan({ parts: ['channels', 'unstructured'] }),
    });
    const result = await fc.check(
      fc.asyncProperty(arb, async ({ recipe, plan: rel }) => {
        const dense = buildGraph(recipe);
        const outer = outerWeightsReadInBranches(dense);
        if (outer.length === 0)
          throw new Error(`the recipe has no If branch reading a main-graph weight: ${JSON.stringify(recipe)}`);
        const analysis = analyzeGroups(dense);
        const plan = bindPlan(dense, rel, analysis);
        let pruned: Model;
        try {
          pruned = prune(dense, plan, { analysis }).model;
        } catch (e) {
          if (!isPruneguardError(e)) throw e;
          skipped++; // a plan the pruner refuses (with a typed error) prunes nothing
          return;
        }
        cases++;
        branchWeights += outer.length;
        const missing = undefinedNames(pruned);
        expect(missing, `pruned model reads names nothing defines; plan ${JSON.stringify(plan)}`).toEqual([]);
        const session = await createSession(pruned);
        try {
          for (const sizes of deriveSizes(pruned)) await run(session, randomInputs(pruned, sizes, { seed: 1 }));
        } finally {
          await releaseSession(session);
        }
      }),
      { seed: cfg.seed, numRuns: cfg.runs, ...(cfg.path ? { path: cfg.path } : {}) },
    );
    console.log(
      `[pruneguard] ${NAME}: ${cases} cases (${branchWeights} weights read inside branches), ${skipped} skipped`,
    );
    if (result.failed) {
      expect.fail(
        `${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}\nreplay: ${replayCommand(FILE, NAME, result.seed, result.counterexamplePath ?? '')}`,
      );
    }
    expect(skipped, `${skipped} of ${cases + skipped} generated cases were refused`).toBeLessThan(Math.max(5, cases));
  });
});
