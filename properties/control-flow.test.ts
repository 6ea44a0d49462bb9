/**
 * Control flow: for all generated graphs with `If` branches that read main-graph weights (the
 * torch.jit.script idiom) or hold weights of their own (inlining exporters), and all
 * channel/unstructured plans, pruning never deletes a name that is still read (in any scope),
 * onnxruntime loads and runs the result, and channel removal (inside branches too) equals the mask
 * oracle where the groups are mask-exact. The first part is the property the If-branch incident
 * broke: weights used only inside a branch were dropped as "unused".
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
import { storedWeights } from '../src/ir/weights.js';
import { analyzeGroups } from '../src/prune/groups.js';
import { prune } from '../src/prune/prune.js';
import { structuredOnly, verify } from '../src/prune/verify.js';
import { createSession, randomInputs, releaseSession, run } from '../src/runtime/index.js';

const FILE = 'properties/control-flow.test.ts';
const NAME =
  'pruning graphs with If branches never deletes a used name, onnxruntime runs the result, ' +
  'and it equals the mask oracle';

/** Weights a branch uses: main-graph weights some If branch reads by name, and weights a branch holds itself. */
function weightsInBranches(model: Model): { outer: string[]; inner: string[] } {
  const index = indexGraph(model.graph);
  const outer = [...index.implicitUses.keys()].filter(
    (name) => model.graph.initializers.has(name) || index.producer.get(name)?.opType === 'Constant',
  );
  const inner = storedWeights(model)
    .filter((w) => w.scope.length > 0 && w.tensor.dims.length > 1)
    .map((w) => w.name);
  return { outer, inner };
}

describe('the pruner on graphs with If branches', () => {
  const cfg = propertyConfig(60);
  // About 200 ms a case (with the oracle comparison), more on the loaded machine: deep runs (PRUNEGUARD_RUNS) get
  // time to match.
  it(NAME, { timeout: 60_000 + cfg.runs * 800 }, async () => {
    console.log(`[pruneguard] ${NAME}: seed ${cfg.seed}, ${cfg.runs} runs`);
    let cases = 0,
      skipped = 0,
      branchWeights = 0,
      innerWeights = 0,
      innerPrunable = 0,
      oracleEqual = 0,
      inexact = 0;
    const arb = fc.record({
      recipe: graphRecipe(['control-flow']),
      plan: relativePlan({ parts: ['channels', 'unstructured'] }),
    });
    const result = await fc.check(
      fc.asyncProperty(arb, async ({ recipe, plan: rel }) => {
        const dense = buildGraph(recipe);
        const { outer, inner } = weightsInBranches(dense);
        if (outer.length + inner.length === 0)
          throw new Error(`the recipe has no If branch using a weight: ${JSON.stringify(recipe)}`);
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
        innerWeights += inner.length;
        const sliced = new Set(analysis.groups.flatMap((g) => (g.blocked ? [] : g.members.map((m) => m.tensor))));
        if (inner.some((w) => sliced.has(w))) innerPrunable++;
        const missing = undefinedNames(pruned);
        expect(missing, `pruned model reads names nothing defines; plan ${JSON.stringify(plan)}`).toEqual([]);
        const session = await createSession(pruned);
        try {
          for (const sizes of deriveSizes(pruned)) await run(session, randomInputs(pruned, sizes, { seed: 1 }));
        } finally {
          await releaseSession(session);
        }
        // Channel removal alone (masks change both sides differently) equals the mask oracle where exact.
        const structural = structuredOnly(plan);
        if (!structural.channels?.length) return;
        const removed = prune(dense, structural, { analysis }).model;
        const feeds = deriveSizes(dense).map((sizes, i) => randomInputs(dense, sizes, { seed: i + 1 }));
        const verdict = await verify(dense, removed, structural, feeds);
        expect(verdict.prunedError ?? verdict.shapeMismatch ?? '', 'the pruned model runs as the oracle does').toBe('');
        expect(verdict.status, `deviation ${verdict.maxDeviation}; plan ${JSON.stringify(structural)}`).not.toBe(
          'fail',
        );
        if (verdict.status === 'pass') oracleEqual++;
        else inexact++;
      }),
      { seed: cfg.seed, numRuns: cfg.runs, ...(cfg.path ? { path: cfg.path } : {}) },
    );
    console.log(
      `[pruneguard] ${NAME}: ${cases} cases (${branchWeights} outer weights read inside branches, ` +
        `${innerWeights} weights held by branches, prunable in ${innerPrunable} cases), ` +
        `channel removal equal to the mask oracle in ${oracleEqual} (${inexact} inexact, ` +
        `not compared), ${skipped} skipped`,
    );
    if (result.failed) {
      expect.fail(
        `${fc.defaultReportMessage(result)}\n${String(result.errorInstance)}\nreplay: ` +
          `${replayCommand(FILE, NAME, result.seed, result.counterexamplePath ?? '')}`,
      );
    }
    expect(skipped, `${skipped} of ${cases + skipped} generated cases were refused`).toBeLessThan(Math.max(5, cases));
  });
});
