/** How big a generated graph is: what shrinking must reduce and what counterexamples report. */
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import { subgraphsOf } from '../ir/scopes.js';
import type { Graph, Model, Tensor } from '../ir/types.js';

export interface GraphSize {
  /** Computing nodes in every scope (not Constant, not Identity: those hold or alias stored values). */
  nodes: number;
  /**
   * Elements of every stored value a node reads by name (weights, biases, shape constants),
   * counted per name: an Identity alias of a de-duplicated initializer counts like the copy it
   * replaces, so where values are stored (initializer, Constant node, alias) does not change the size.
   */
  params: number;
}

/** Nodes and parameters of a model over every scope, each stored tensor counted once: the size shrinking minimises. */
export function graphSize(model: Model): GraphSize {
  const counted = new Set<string>();
  let params = 0;
  let nodes = 0;
  // Every scope counts: an If branch's network is as much of the graph as the main one. A name is
  // looked up in the scope that reads it, then outwards (branches read main-graph weights).
  const visit = (graph: Graph, lookup: (name: string) => Tensor | undefined) => {
    const index = indexGraph(graph);
    const here = (name: string) => constantValue(graph, name, index) ?? lookup(name);
    for (const n of graph.nodes) {
      if (n.opType !== 'Constant' && n.opType !== 'Identity') nodes++;
      for (const name of n.inputs) {
        if (!name || counted.has(name)) continue;
        const t = here(name);
        if (!t) continue;
        counted.add(name);
        params += numel(t.dims);
      }
      for (const [, sub] of subgraphsOf(n)) visit(sub, here);
    }
  };
  visit(model.graph, () => undefined);
  return { nodes, params };
}

/** Lexicographic: fewer nodes first, then fewer parameters. */
export function compareSize(a: GraphSize, b: GraphSize): number {
  return a.nodes - b.nodes || a.params - b.params;
}
