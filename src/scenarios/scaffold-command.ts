/**
 * A `fuzz` counterexample as a regression scenario: the shrunk graph's recipe and the concrete
 * plan embedded, the faulty variant runs the same pruner command (from the project root), the
 * fixed variant is pruneguard's dependency-aware pruner on the same graph and plan.
 */
import type { CaseRecipe } from '../check/prune-case.js';
import type { FailureMode } from '../findings.js';
import type { Plan } from '../prune/plan.js';
import type { ScaffoldTarget } from './scaffold.js';

export interface CommandCounterexample {
  template: string;
  timeoutSeconds?: number;
  replay: string;
  recipe: CaseRecipe;
  plan: Plan;
  caughtBy: readonly string[];
  firstFinding: string;
  failureMode: FailureMode;
}

const today = (): string => new Date().toISOString().slice(0, 10);

export function commandScenario(t: ScaffoldTarget, cx: CommandCounterexample): string {
  const commandFrom = t.from.define === 'pruneguard' ? 'pruneguard' : '../src/check/command/command-pruner.js';
  const timeout = cx.timeoutSeconds !== undefined ? `, timeoutSeconds: ${cx.timeoutSeconds}` : '';
  return `/**
 * Saved from a failing fuzz run: ${cx.replay.replace(/\*\//g, '* /')}
 * First finding: ${cx.firstFinding.replace(/\*\//g, '* /').split('\n')[0]}
 * The recipe and plan below rebuild exactly the shrunk counterexample's graph; the faulty variant
 * runs the same pruner command from the project root.
 */
import { buildGraph, type GraphRecipe } from '${t.from.graph}';
import { commandPruner } from '${commandFrom}';
import { checkStructure } from '${t.from.structure}';
import { defineScenario } from '${t.from.define}';

const recipe = ${JSON.stringify(cx.recipe.graph)} as GraphRecipe;
const plan = ${JSON.stringify(cx.plan)};
const template = ${JSON.stringify(cx.template)};

export default defineScenario({
  id: '${t.slug}',
  title: 'Counterexample of an external pruner: ${cx.caughtBy.join(', ')}',
  incident: {
    source: ${JSON.stringify(cx.replay)},
    date: '${today()}',
    summary: ${JSON.stringify(cx.firstFinding.split('\n')[0])},
  },
  failureMode: '${cx.failureMode}',
  model: () => buildGraph(recipe),
  variants: {
    faulty: {
      summary: \`the pruner command: \${template}\`,
      plan,
      make: async (ctx) => {
        const pruner = commandPruner(template, { cwd: ctx.resolve('.')${timeout} });
        return { pruned: await pruner(ctx.dense, plan), plan };
      },
    },
    fixed: { summary: "pruneguard's dependency-aware pruner on the same graph and plan", plan },
  },
  mustCatch: ${JSON.stringify(cx.caughtBy)},
  check: (c) => checkStructure(c),
});
`;
}
