/**
 * Who produces and who consumes each value, and a topological order. Built on
 * demand from the node list; rebuild after mutating the graph.
 */
import { PruneguardError } from '../errors.js';
import { isFlatView } from './flat-scopes.js';
import { outerNames } from './scopes.js';
import type { Graph, Node } from './types.js';

export interface Use {
  node: Node;
  /** Input slot of the consumer. */
  slot: number;
}

export interface GraphIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Use[]>;
  /**
   * Names read inside a node's subgraphs (If branches, Loop/Scan bodies) without being its inputs: uses too.
   * Empty for a flat view (`flat-scopes.ts`), where the reading nodes are consumers.
   */
  implicitUses: Map<string, Node[]>;
  /**
   * Inputs fed at run time. An initializer also listed as an input (old IR) is a weight, not a fed
   * input, unless the graph's `runtimeInputs` names it.
   */
  graphInputs: Set<string>;
  graphOutputs: Set<string>;
}

export function indexGraph(graph: Graph): GraphIndex {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Use[]>();
  const implicitUses = new Map<string, Node[]>();
  // A flat view holds the subgraphs' nodes themselves: their reads of outer names are plain uses.
  const flat = isFlatView(graph);
  for (const node of graph.nodes) {
    if (node.subgraphs && !flat) {
      for (const name of outerNames(node)) {
        const users = implicitUses.get(name);
        if (users) users.push(node);
        else implicitUses.set(name, [node]);
      }
    }
    for (const out of node.outputs) if (out) producer.set(out, node);
    for (let slot = 0; slot < node.inputs.length; slot++) {
      const name = node.inputs[slot];
      if (!name) continue;
      const uses = consumers.get(name);
      // Most values have one consumer: a one-element literal, not an empty array grown by push (17 slots).
      if (uses) uses.push({ node, slot });
      else consumers.set(name, [{ node, slot }]);
    }
  }
  return {
    producer,
    consumers,
    implicitUses,
    graphInputs: new Set(graph.inputs.filter((i) => isFedInput(graph, i.name)).map((i) => i.name)),
    graphOutputs: new Set(graph.outputs.map((o) => o.name)),
  };
}

/** True when graph input `name` is fed at run time: not an initializer, or one the user said is fed. */
export function isFedInput(graph: Graph, name: string): boolean {
  return !graph.initializers.has(name) || (graph.runtimeInputs?.has(name) ?? false);
}

/** Nodes in an order where every producer precedes its consumers (stable for already-sorted graphs). */
export function topologicalOrder(graph: Graph): Node[] {
  const index = indexGraph(graph);
  const waitingOn = new Map<Node, Set<Node>>();
  const dependents = new Map<Node, Set<Node>>();
  for (const node of graph.nodes) {
    const deps = new Set<Node>();
    const depend = (name: string) => {
      const p = name ? index.producer.get(name) : undefined;
      if (p && p !== node) deps.add(p);
    };
    for (const name of node.inputs) depend(name);
    // A subgraph's reads of enclosing names order the node after their producers, as inputs do.
    if (node.subgraphs) for (const name of outerNames(node)) depend(name);
    waitingOn.set(node, deps);
    for (const p of deps) {
      if (!dependents.has(p)) dependents.set(p, new Set());
      dependents.get(p)!.add(node);
    }
  }
  const order: Node[] = graph.nodes.filter((n) => waitingOn.get(n)!.size === 0);
  for (let i = 0; i < order.length; i++) {
    for (const d of dependents.get(order[i]) ?? []) {
      const deps = waitingOn.get(d)!;
      deps.delete(order[i]);
      if (deps.size === 0) order.push(d);
    }
  }
  if (order.length !== graph.nodes.length) {
    const placed = new Set(order);
    const stuck = graph.nodes.filter((n) => !placed.has(n)).map((n) => n.name || n.opType);
    throw new PruneguardError('E_CORRUPT_MODEL', `graph has a cycle through: ${stuck.slice(0, 5).join(', ')}`);
  }
  return order;
}
