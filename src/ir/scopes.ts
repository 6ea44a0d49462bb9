/**
 * Nested scopes: a node's graph-valued attributes (If branches, Loop and Scan bodies) are graphs of
 * their own that may read any name defined in an enclosing scope without listing it as an input.
 * Such a read is a use like any other: a weight read only inside an `If` branch is live.
 */
import type { Graph, Node } from './types.js';

/** A node's subgraphs as [attribute name, graph] pairs (none for most nodes). */
export function subgraphsOf(node: Node): [string, Graph][] {
  return node.subgraphs ? Object.entries(node.subgraphs) : [];
}

/** Names `graph` reads (node inputs, its outputs, nested subgraphs' reads) that it does not define itself. */
export function freeNames(graph: Graph): Set<string> {
  const defined = new Set<string>(graph.initializers.keys());
  for (const i of graph.inputs) defined.add(i.name);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) defined.add(o);
  const free = new Set<string>();
  const read = (name: string) => {
    if (name && !defined.has(name)) free.add(name);
  };
  for (const n of graph.nodes) {
    for (const i of n.inputs) read(i);
    for (const name of outerNames(n)) read(name);
  }
  for (const o of graph.outputs) read(o.name);
  return free;
}

/** Names a node's subgraphs read from the scopes around the node (empty for a node without subgraphs). */
export function outerNames(node: Node): Set<string> {
  const out = new Set<string>();
  if (!node.subgraphs) return out;
  for (const g of Object.values(node.subgraphs)) for (const name of freeNames(g)) out.add(name);
  return out;
}

/** True when some node of the graph has a subgraph. */
export function hasSubgraphs(graph: Graph): boolean {
  return graph.nodes.some((n) => n.subgraphs !== undefined && Object.keys(n.subgraphs).length > 0);
}

/** Where a subgraph sits: `If if_0/then_branch`, nested scopes joined by ' > '. */
export interface ScopeStep {
  node: Node;
  attribute: string;
}

export function scopeLabel(path: readonly ScopeStep[]): string {
  return path.map((s) => `${s.node.opType} ${s.node.name || s.node.outputs[0] || ''}/${s.attribute}`).join(' > ');
}

/** Visits `graph` and every subgraph nested in it, outermost first, with the path that leads there. */
export function forEachScope(
  graph: Graph,
  visit: (g: Graph, path: readonly ScopeStep[]) => void,
  path: readonly ScopeStep[] = [],
): void {
  visit(graph, path);
  for (const node of graph.nodes) {
    for (const [attribute, sub] of subgraphsOf(node)) forEachScope(sub, visit, [...path, { node, attribute }]);
  }
}
