/**
 * A failing property, formatted once at the end: invariant, failure mode, seed,
 * path, the shrunk counterexample as a small readable graph plus its plan, and
 * one command that replays it.
 */
import type { Finding } from '../findings.js';
import { formatFindings } from '../invariants/format.js';
import { printGraph } from '../ir/print.js';
import { inferShapes } from '../shape/infer.js';
import type { MaterialCase } from './prune-case.js';

/** A shrunk failing case: the property, its seed and path for replay, the graph, plan and findings. */
export interface Counterexample {
  property: string;
  seed: number;
  path: string;
  case: MaterialCase;
  findings: Finding[];
  /** How to re-run exactly this case. */
  replay: string;
}

/** The shell command that replays one property case by seed and path. */
export function replayCommand(file: string, testName: string, seed: number, path: string): string {
  return `PRUNEGUARD_SEED=${seed} PRUNEGUARD_PATH=${path} npx vitest run ${file} -t ${JSON.stringify(testName)}`;
}

/** A counterexample as text: one line per node with shapes, the plan, the findings and the replay command. */
export function formatCounterexample(c: Counterexample): string {
  const first = c.findings[0];
  let graph: string;
  try {
    graph = printGraph(c.case.dense, inferShapes(c.case.dense).values);
  } catch {
    graph = printGraph(c.case.dense);
  }
  return [
    `Property "${c.property}" failed${first ? `: ${first.invariant} (${first.failureMode})` : ''}`,
    `  seed: ${c.seed}  path: ${c.path}`,
    '  findings:',
    indent(formatFindings(c.findings), 4),
    '  shrunk counterexample (dense graph):',
    indent(graph, 4),
    `  plan: ${JSON.stringify(c.case.plan)}`,
    `  recipe: ${JSON.stringify(c.case.recipe)}`,
    `  replay: ${c.replay}`,
  ].join('\n');
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');
}
