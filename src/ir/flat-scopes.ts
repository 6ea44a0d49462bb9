/**
 * One namespace over every scope of a model. A subgraph (If branch, Loop/Scan body) reads outer
 * names freely and its own names are distinct from every outer one, so once sibling scopes are made
 * distinct too (`uniqueScopeNames`), the nodes of all scopes form one graph of values: the *flat
 * view*. The channel analysis and the pruner work on that view, so a weight inside a branch is found,
 * sliced and rewritten exactly like one of the main graph.
 *
 * The view shares the nested model's node, value-info and tensor objects: editing a node through it
 * edits the model. Its initializers write through to the scope that holds each name (a new name goes
 * to the main graph, which every subgraph can read). Nodes added to the view's list land in the scope
 * of the node before them (`syncScopes`). It is never saved: `nestedOf` gives the model it views.
 */
import { forEachScope } from './scopes.js';
import type { Graph, Model, Node, Tensor, ValueInfo } from './types.js';

/** The initializers of every scope, read as one map; writes go to the scope that holds the name. */
class ScopedInitializers extends Map<string, Tensor> {
  constructor(
    private readonly main: Graph,
    private readonly owner: Map<string, Graph>,
  ) {
    super();
  }
  private holder(name: string): Graph {
    return this.owner.get(name) ?? this.main;
  }
  override get(name: string): Tensor | undefined {
    return this.holder(name).initializers.get(name);
  }
  override has(name: string): boolean {
    return this.holder(name).initializers.has(name);
  }
  override set(name: string, value: Tensor): this {
    this.holder(name).initializers.set(name, value);
    return this;
  }
  override delete(name: string): boolean {
    return this.holder(name).initializers.delete(name);
  }
  override clear(): void {
    throw new Error('the initializers of a flat view are not cleared as a whole');
  }
  override get size(): number {
    let n = 0;
    for (const g of this.scopes()) n += g.initializers.size;
    return n;
  }
  private scopes(): Graph[] {
    return [this.main, ...new Set(this.owner.values())].filter((g, i, all) => all.indexOf(g) === i);
  }
  override *entries(): MapIterator<[string, Tensor]> {
    for (const g of this.scopes()) yield* g.initializers.entries();
  }
  override *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  override *values(): MapIterator<Tensor> {
    for (const [, v] of this.entries()) yield v;
  }
  override [Symbol.iterator](): MapIterator<[string, Tensor]> {
    return this.entries();
  }
  override forEach(fn: (value: Tensor, key: string, map: Map<string, Tensor>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

interface ViewState {
  nested: Model;
  /** The scope (graph) of each node of the nested model, at the time the view was made. */
  scopeOf: Map<Node, Graph>;
}

const views = new WeakMap<Graph, ViewState>();

/**
 * The flat view of `model` (see above), or `model` itself when it has no subgraphs. Call on a model
 * whose scopes define distinct names (`uniqueScopeNames`).
 */
export function flatView(model: Model): Model {
  const main = model.graph;
  if (!main.nodes.some((n) => n.subgraphs && Object.keys(n.subgraphs).length > 0)) return model;
  const scopeOf = new Map<Node, Graph>();
  const owner = new Map<string, Graph>();
  const nodes: Node[] = [];
  const valueInfo: ValueInfo[] = [...main.valueInfo];
  forEachScope(main, (g, path) => {
    for (const n of g.nodes) {
      scopeOf.set(n, g);
      nodes.push(n);
    }
    if (path.length === 0) return;
    for (const name of g.initializers.keys()) owner.set(name, g);
    // Declared types inside subgraphs follow pruning like the main graph's value infos.
    valueInfo.push(...g.inputs, ...g.outputs, ...g.valueInfo);
  });
  const graph: Graph = {
    ...main,
    nodes,
    valueInfo,
    initializers: new ScopedInitializers(main, owner),
  };
  views.set(graph, { nested: model, scopeOf });
  return { ...model, graph };
}

/** True when `graph` is a flat view (its nodes span several scopes). */
export function isFlatView(graph: Graph): boolean {
  return views.has(graph);
}

/** The nested model a flat view views; a model that is no view is its own. */
export function nestedOf(model: Model): Model {
  return views.get(model.graph)?.nested ?? model;
}

/**
 * Places nodes added to a flat view's list (a shape computation un-shared for one consumer) in the
 * scope of the node before them, right after it; nodes removed from the list are left in place.
 */
export function syncScopes(view: Model): void {
  const state = views.get(view.graph);
  if (!state) return;
  let previous: Node | undefined;
  for (const node of view.graph.nodes) {
    if (!state.scopeOf.has(node)) {
      const scope = previous ? state.scopeOf.get(previous)! : state.nested.graph;
      scope.nodes.splice(previous ? scope.nodes.indexOf(previous) + 1 : 0, 0, node);
      state.scopeOf.set(node, scope);
    }
    previous = node;
  }
}

/** Puts the view's node list back to the nodes of the nested model's scopes (after undoing edits). */
export function refreshView(view: Model): void {
  const state = views.get(view.graph);
  if (!state) return;
  const nodes: Node[] = [];
  forEachScope(state.nested.graph, (g) => {
    for (const n of g.nodes) {
      state.scopeOf.set(n, g);
      nodes.push(n);
    }
  });
  view.graph.nodes.length = 0;
  view.graph.nodes.push(...nodes);
}
