/**
 * Scenario scaffolds: a blank incident to fill in, or a failing property's
 * counterexample (its graph recipe and plan embedded, so the file rebuilds the
 * exact graph with the builder) turned into a regression scenario.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PruneguardError } from '../errors.js';
import type { FailureMode } from '../findings.js';
import type { CaseRecipe } from '../check/prune-case.js';
import type { Plan } from '../prune/plan.js';
import { existingKind, writeFileAtomic } from '../fs/write-atomic.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ScaffoldTarget {
  /** The scenarios folder. */
  dir: string;
  slug: string;
  /** Module the scenario imports pruneguard from ('../src/index.js' inside this repo, 'pruneguard' elsewhere). */
  from: { define: string; structure: string; faults: string; graph: string };
}

export function importsFor(root: string): ScaffoldTarget['from'] {
  const inRepo = existsSync(join(root, 'src/scenarios/define.ts'));
  return inRepo
    ? {
        define: '../src/scenarios/define.js',
        structure: '../src/check/structure.js',
        faults: '../src/faults/index.js',
        graph: '../src/arbitraries/graph.js',
      }
    : { define: 'pruneguard', structure: 'pruneguard', faults: 'pruneguard', graph: 'pruneguard' };
}

function pathFor(t: ScaffoldTarget): string {
  if (!SLUG.test(t.slug))
    throw new PruneguardError('E_BAD_ARGUMENT', `scenario slug must be kebab-case (a-z, 0-9, -), got '${t.slug}'`);
  return join(t.dir, `${t.slug}.scenario.ts`);
}

const today = (): string => new Date().toISOString().slice(0, 10);

export function blankScenario(t: ScaffoldTarget): string {
  return `/**
 * TODO: the incident in a few sentences — what was pruned, what broke in production, how it was found.
 */
import { checkStructure } from '${t.from.structure}';
import { defineScenario } from '${t.from.define}';

export default defineScenario({
  id: '${t.slug}',
  title: 'TODO: one line',
  incident: { source: 'TODO: team / postmortem link', date: '${today()}', summary: 'TODO: what happened' },
  // accuracy-cliff | hardware-headroom | slice-regression | shape-mismatch | nm-nonconformance |
  // quantization-compounding
  failureMode: 'shape-mismatch',
  model: 'fixtures/models/resnet_tiny_op17.onnx', // a model file, or a builder: () => model
  // data: { file: 'fixtures/data/your_eval.npz', slices: [{ name: 'rare', labels: [8] }] },
  variants: {
    faulty: {
      summary: 'TODO: the plan (or pruner) that caused the incident',
      plan: { channels: [{ group: 'layer2.conv2.weight#0', ratio: 0.3 }] },
    },
    fixed: {
      summary: 'TODO: what ships instead',
      plan: { channels: [{ group: 'layer2.conv2.weight#0', ratio: 0.3 }] },
    },
  },
  // the invariants or gates that must catch the faulty variant (any of them)
  mustCatch: ['shape-consistency'],
  // the same check runs on both variants; record numbers with c.record(key, value, { abs })
  check: (c) => checkStructure(c),
});
`;
}

export interface CounterexampleSource {
  fault: string;
  failureMode: FailureMode;
  caughtBy: readonly string[];
  bug: string;
  seed: number;
  path: string;
  replay: string;
  recipe: CaseRecipe;
  plan: Plan;
}

export function counterexampleScenario(t: ScaffoldTarget, cx: CounterexampleSource): string {
  return `/**
 * Saved from a failing property: ${cx.replay}
 * ${cx.bug}
 * The recipe and plan below rebuild exactly the shrunk counterexample's graph.
 */
import { buildGraph, type GraphRecipe } from '${t.from.graph}';
import { checkStructure, GUARDS } from '${t.from.structure}';
import { faultById } from '${t.from.faults}';
import { defineScenario } from '${t.from.define}';

const recipe = ${JSON.stringify(cx.recipe.graph)} as GraphRecipe;
const plan = ${JSON.stringify(cx.plan)};
const fault = faultById(${JSON.stringify(cx.fault)})!;

export default defineScenario({
  id: '${t.slug}',
  title: 'Counterexample of ${cx.fault} (seed ${cx.seed})',
  incident: { source: ${JSON.stringify(cx.replay)}, date: '${today()}', summary: ${JSON.stringify(cx.bug)} },
  failureMode: '${cx.failureMode}',
  model: () => buildGraph(recipe),
  variants: {
    faulty: { summary: \`\${fault.id}: the pruner with the bug\`, plan, prune: fault.prune },
    fixed: { summary: "pruneguard's dependency-aware pruner on the same graph and plan", plan },
  },
  mustCatch: ${JSON.stringify(cx.caughtBy)},
  check: (c) => checkStructure(c, { only: GUARDS['${cx.failureMode}'] }),
});
`;
}

/** Writes a new scenario file; refuses to overwrite one. Returns its path. */
export function writeScenario(t: ScaffoldTarget, text: string): string {
  const path = pathFor(t);
  if (existingKind(path))
    throw new PruneguardError(
      'E_OUTPUT_EXISTS',
      `scenario file ${path} already exists (pick another slug or delete it first)`,
    );
  // Never replaces: a file that appears meanwhile makes the write fail, not vanish.
  writeFileAtomic(path, text, { what: 'scenario file' });
  return path;
}
