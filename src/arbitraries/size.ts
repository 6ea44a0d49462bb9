/** How big a generated graph is: what shrinking must reduce and what counterexamples report. */
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';

export interface GraphSize {
  /** Computing nodes (not Constant, not Identity: those hold or alias stored values). */
  nodes: number;
  /**
   * Elements of every stored value a node reads by name (weights, biases, shape constants),
   * counted per name: an Identity alias of a de-duplicated initializer counts like the copy it
   * replaces, so where values are stored (initializer, Constant node, alias) does not change the size.
   */
  params: number;
}

export function graphSize(model: Model): GraphSize {
  const { graph } = model;
  const index = indexGraph(graph);
  const counted = new Set<string>();
  let params = 0;
  let nodes = 0;
  for (const n of graph.nodes) {
    if (n.opType !== 'Constant' && n.opType !== 'Identity') nodes++;
    for (const name of n.inputs) {
      if (!name || counted.has(name)) continue;
      const t = constantValue(graph, name, index);
      if (!t) continue;
      counted.add(name);
      params += numel(t.dims);
    }
  }
  return { nodes, params };
}

/** Lexicographic: fewer nodes first, then fewer parameters. */
export function compareSize(a: GraphSize, b: GraphSize): number {
  return a.nodes - b.nodes || a.params - b.params;
}
