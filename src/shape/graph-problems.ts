/**
 * Structural problems of a graph that no shape rule sees: a node input no
 * node, initializer or graph input produces (dangling), and a node that
 * consumes its own output (a self-loop, which no execution order can run).
 */
import type { Graph } from '../ir/types.js';
import type { ShapeProblem } from './types.js';

export function graphProblems(graph: Graph): ShapeProblem[] {
  const known = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) known.add(o);
  const problems: ShapeProblem[] = [];
  for (const n of graph.nodes) {
    const node = n.name || n.outputs[0] || n.opType;
    for (const input of n.inputs) {
      if (!input) continue; // an omitted optional input
      if (n.outputs.includes(input))
        problems.push({
          node,
          op: n.opType,
          rule: 'self-loop',
          message: `consumes its own output '${input}'`,
          inputShapes: [],
        });
      else if (!known.has(input))
        problems.push({
          node,
          op: n.opType,
          rule: 'dangling-input',
          message: `input '${input}' is produced by no node, initializer or graph input`,
          inputShapes: [],
        });
    }
  }
  return problems;
}
