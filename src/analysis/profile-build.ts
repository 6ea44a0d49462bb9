/**
 * The structural facts of a sensitivity entry, read from the group analysis:
 * parameters at stake, depth in the network, layer kind, and whether the group
 * feeds the classifier. The budget caps (profile.ts) are decided on these.
 */
import { constantValue } from '../ir/constants.js';
import { topologicalOrder } from '../ir/graph-index.js';
import { isFloating, numel } from '../ir/tensor.js';
import type { Node } from '../ir/types.js';
import type { Group, GroupAnalysis } from '../prune/groups.js';
import { positionsOf, weightInputOf } from './flops.js';
import type { GroupKind } from './profile.js';

export interface GroupFacts {
  /** Parameters of the group's stored members (what a ratio of 1 would remove). */
  params: number;
  /** Multiply-accumulates per example of the weight ops those members feed (see flops.ts). */
  flops: number;
  /** Topological position of the group's first producer / node count, in [0, 1). */
  depth: number;
  kind: GroupKind;
  /** The group's channels enter the last weight op before a graph output. */
  classifier: boolean;
}

/** Facts for every group, computed once per analysis. */
export function groupFacts(analysis: GroupAnalysis): (group: Group) => GroupFacts {
  // The flat view when the model has subgraphs: weights inside branches and bodies are found by name.
  const graph = analysis.prop.model.graph;
  const index = analysis.prop.index;
  const order = topologicalOrder(graph);
  const position = new Map<Node, number>(order.map((n, i) => [n, i]));
  const isWeightOp = (n: Node) => weightInputOf(n, analysis.prop.model, index) !== undefined;

  // Walk back from every graph output to the first weight op on each path.
  const last = new Set<Node>();
  const seen = new Set<string>();
  const stack = graph.outputs.map((o) => o.name);
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = index.producer.get(v);
    if (!p) continue;
    if (isWeightOp(p)) {
      last.add(p);
      continue;
    }
    stack.push(...p.inputs.filter(Boolean));
  }

  const readers = (tensor: string): Node[] => (index.consumers.get(tensor) ?? []).map((u) => u.node);
  return (group) => {
    let params = 0;
    let flops = 0;
    for (const m of group.members) {
      const t = constantValue(graph, m.tensor, index);
      if (!t || !isFloating(t.dtype) || t.dims[m.axis] === undefined) continue;
      const covered = new Set(m.indices.flat()).size;
      const elements = (numel(t.dims) / t.dims[m.axis]) * covered;
      params += elements;
      for (const reader of readers(m.tensor)) {
        const w = weightInputOf(reader, analysis.prop.model, index);
        if (w?.name === m.tensor) flops += elements * positionsOf(reader, analysis.prop.shapes, w.slot);
      }
    }
    // The producing layer: a weight op reading a non-entry member (conv1 for conv1's channels).
    const producers = group.members
      .filter((m) => !m.entry)
      .flatMap((m) => readers(m.tensor))
      .filter(isWeightOp);
    const fallback = group.values.map(([v]) => index.producer.get(v)).filter((n): n is Node => !!n);
    const candidates = producers.length ? producers : fallback;
    const first = candidates.reduce<Node | undefined>(
      (best, n) => (best === undefined || (position.get(n) ?? 0) < (position.get(best) ?? 0) ? n : best),
      undefined,
    );
    const depth = first ? (position.get(first) ?? 0) / Math.max(1, order.length) : 0;
    const kind: GroupKind =
      group.kind === 'heads'
        ? 'attention'
        : first?.opType === 'Conv' || first?.opType === 'ConvTranspose'
          ? 'conv'
          : first?.opType === 'Gemm' || first?.opType === 'MatMul'
            ? 'linear'
            : 'other';
    const classifier = group.members.some((m) => m.entry && readers(m.tensor).some((n) => last.has(n)));
    return { params: Math.round(params), flops: Math.round(flops), depth, kind, classifier };
  };
}
