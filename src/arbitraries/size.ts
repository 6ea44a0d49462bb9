/** How big a generated graph is: what shrinking must reduce and what counterexamples report. */
import type { Model } from '../ir/types.js';
import { numel } from '../ir/tensor.js';

export interface GraphSize {
  nodes: number;
  /** Elements of every stored constant (weights, biases, shape constants). */
  params: number;
}

export function graphSize(model: Model): GraphSize {
  let params = 0;
  for (const t of model.graph.initializers.values()) params += numel(t.dims);
  for (const n of model.graph.nodes) {
    if (n.opType !== 'Constant') continue;
    const t = n.attributes.find((a) => a.name === 'value')?.t;
    params += (t?.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
  }
  return { nodes: model.graph.nodes.filter((n) => n.opType !== 'Constant').length, params };
}

/** Lexicographic: fewer nodes first, then fewer parameters. */
export function compareSize(a: GraphSize, b: GraphSize): number {
  return a.nodes - b.nodes || a.params - b.params;
}
