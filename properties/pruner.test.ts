/**
 * For all generated graphs and plans, pruneguard's own pruner passes every
 * structural invariant. PRUNEGUARD_RUNS raises the case counts; a failure
 * prints the seed, path, shrunk counterexample and its replay command.
 */
import { describe, expect, it } from 'vitest';
import type { Family } from '../src/arbitraries/graph.js';
import { formatCounterexample, replayCommand } from '../src/check/counterexample.js';
import { propertyConfig } from '../src/check/config.js';
import { runPruneProperty, type Pruner } from '../src/check/run-property.js';
import { checkStructure, checkStructureStatic } from '../src/check/structure.js';
import { prune } from '../src/prune/prune.js';

const FILE = 'properties/pruner.test.ts';
const pruner: Pruner = (dense, plan, analysis) => prune(dense, plan, { analysis }).model;

const suites: { family: Family; staticRuns: number; executedRuns: number }[] = [
  { family: 'residual', staticRuns: 150, executedRuns: 40 },
  { family: 'attention', staticRuns: 100, executedRuns: 30 },
  { family: 'normalization', staticRuns: 100, executedRuns: 30 },
];

describe.each(suites)('the pruner on $family graphs', ({ family, staticRuns, executedRuns }) => {
  for (const mode of ['static', 'executed'] as const) {
    const name = `${family} graphs pass every ${mode} invariant`;
    it(name, async () => {
      const cfg = propertyConfig(mode === 'static' ? staticRuns : executedRuns);
      console.log(`[pruneguard] ${name}: seed ${cfg.seed}, ${cfg.runs} runs`);
      const outcome = await runPruneProperty({
        name,
        pruner,
        families: [family],
        ...cfg,
        check:
          mode === 'static'
            ? (c) => checkStructureStatic(c)
            : (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
        oracle: mode === 'executed',
        replay: (seed, path) => replayCommand(FILE, name, seed, path),
      });
      console.log(`[pruneguard] ${name}: ${outcome.cases} cases, ${outcome.skipped} skipped`);
      if (outcome.counterexample) expect.fail(formatCounterexample(outcome.counterexample));
      // Health: a generator whose plans the pruner mostly refuses tests nothing.
      expect(
        outcome.skipped,
        `${outcome.skipped} of ${outcome.cases + outcome.skipped} generated cases were skipped`,
      ).toBeLessThan(Math.max(5, outcome.cases));
    });
  }
});
