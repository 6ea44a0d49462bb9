/**
 * Prepares a model copy for pruning: a deep-enough copy (the input is never
 * mutated), shared constants un-shared where sharing is an exporter artefact,
 * and dead nodes/initializers dropped after rewriting.
 *
 * PyTorch's exporter de-duplicates value-equal parameters (fresh LayerNorm
 * weights, zero biases, shape vectors) into one initializer, aliased through
 * Identity. Pruning one layer must not slice another layer's copy, so every such
 * parameter-like use gets its own copy. Weights stay shared: those are real ties
 * (tied embeddings) and are pruned consistently for all.
 */
import { opDef } from '../ops/registry.js';
import { aliasesOf, constantSource } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import { outerNames } from '../ir/scopes.js';
import type { Graph, Model, Node, Tensor } from '../ir/types.js';
import { constantNodeValue } from '../ir/constants.js';

/**
 * A node with its own input, output and attribute lists. Written out field by field, not spread: every
 * copy then has one object shape whatever made the original, which keeps the analysis and the rules
 * that read these nodes monomorphic.
 */
export function copyNode(n: Node): Node {
  const copy: Node = {
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    inputs: [...n.inputs],
    outputs: [...n.outputs],
    attributes: [...n.attributes],
  };
  if (n.docString !== undefined) copy.docString = n.docString;
  // Subgraphs are copied too: pruning rewrites them like the main graph.
  if (n.subgraphs !== undefined)
    copy.subgraphs = Object.fromEntries(Object.entries(n.subgraphs).map(([k, g]) => [k, copyGraph(g)]));
  return copy;
}

/** A graph with its own node, value and initializer containers (tensors shared: they are replaced, never written). */
export function copyGraph(g: Graph): Graph {
  return {
    ...g,
    nodes: g.nodes.map(copyNode),
    inputs: g.inputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
    outputs: g.outputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
    valueInfo: g.valueInfo.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
    initializers: new Map(g.initializers),
  };
}

export function copyModel(model: Model): Model {
  return {
    ...model,
    opsetImports: model.opsetImports.map((o) => ({ ...o })),
    metadata: model.metadata.map((m) => ({ ...m })),
    graph: copyGraph(model.graph),
  };
}

/**
 * Uses where a constant is a small per-layer parameter (bias, scale, norm parameter, shape vector,
 * bound: `OpDef.params`): copying it per use is free and exact. Anything else (weights of
 * Conv/Gemm/MatMul, Gather tables, Transpose of a tied embedding) stays shared and is pruned
 * consistently for every user.
 */
function isParamUse(node: Node, slot: number): boolean {
  if (node.domain !== '') return false;
  const params = opDef(node.opType, node.domain)?.params;
  return params === 'all' || (params?.includes(slot) ?? false);
}

/** Unique name in the graph for a new value. */
export function freshName(taken: (n: string) => boolean, hint: string): string {
  if (!taken(hint)) return hint;
  for (let k = 1; ; k++) if (!taken(`${hint}__${k}`)) return `${hint}__${k}`;
}

/** One copy made by un-sharing: what it copied and how to tell whether either side changed since. */
export interface CopyRecord {
  copy: string;
  root: string;
  value: Tensor;
  /** Identity of the root's storage at copy time (initializer tensor or Constant node attributes). */
  rootStorage: unknown;
}

/**
 * Gives each parameter-like use of a shared constant its own copy. Mutates `model` (call on a copy).
 * `index` is the model's graph index; it stays valid when no copy was made.
 */
export function unshareConstants(model: Model, index: GraphIndex = indexGraph(model.graph)): CopyRecord[] {
  const g = model.graph;
  // Names in use, gathered only once a copy needs a fresh one (most graphs need none).
  let names: Set<string> | undefined;
  const roots = [
    ...g.initializers.keys(),
    ...g.nodes.filter((n) => n.opType === 'Constant' && n.domain === '').map((n) => n.outputs[0]),
  ];
  const copies: CopyRecord[] = [];
  for (const root of roots) {
    if (!constantSource(g, root, index)) continue;
    const uses: { node: Node; slot: number }[] = [];
    for (const name of aliasesOf(root, index)) {
      for (const u of index.consumers.get(name) ?? [])
        if (!(u.node.opType === 'Identity' && u.node.domain === '')) uses.push(u);
    }
    if (uses.length < 2 || new Set(uses.map((u) => u.node)).size < 2) continue;
    const producer = index.producer.get(root);
    const value: Tensor | undefined = g.initializers.get(root) ?? (producer && constantNodeValue(producer));
    const rootStorage = g.initializers.get(root) ?? producer?.attributes;
    if (!value || value.dims.length === 0) continue; // scalars never carry channels
    const shareable = uses.filter((u) => !isParamUse(u.node, u.slot));
    const keepShared = shareable.length > 0 ? new Set(shareable.map((u) => u.node)) : new Set([uses[0].node]);
    for (const u of uses) {
      if (keepShared.has(u.node)) continue;
      names ??= new Set<string>([...g.initializers.keys(), ...g.nodes.flatMap((n) => n.outputs)]);
      const taken = names;
      const copy = freshName((n) => taken.has(n), `${root}__${u.node.name || u.node.outputs[0]}`);
      taken.add(copy);
      g.initializers.set(copy, value);
      u.node.inputs[u.slot] = copy;
      copies.push({ copy, root, value, rootStorage });
    }
  }
  return copies;
}

/** Points uses of copies back at their root when neither was sliced (keeps the model as small as it was). */
export function reshare(model: Model, copies: readonly CopyRecord[]): void {
  if (copies.length === 0) return;
  const g = model.graph;
  const index = indexGraph(g);
  const renamed = new Map<string, string>();
  for (const c of copies) {
    const rootNow = g.initializers.get(c.root) ?? index.producer.get(c.root)?.attributes;
    if (g.initializers.get(c.copy) === c.value && rootNow === c.rootStorage) renamed.set(c.copy, c.root);
  }
  if (renamed.size === 0) return;
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => renamed.get(i) ?? i);
  for (const copy of renamed.keys()) g.initializers.delete(copy);
}

/**
 * Drops nodes whose outputs nobody reads (not graph outputs) and unused initializers, in the main graph
 * and in every subgraph (innermost first: what a branch stops reading may free an outer weight). A name
 * read inside a subgraph (an `If` branch using a main-graph weight) is read: it stays.
 */
export function removeDead(model: Model): void {
  removeDeadIn(model.graph);
}

function removeDeadIn(g: Graph): void {
  for (const n of g.nodes) if (n.subgraphs) for (const sub of Object.values(n.subgraphs)) removeDeadIn(sub);
  const outputs = new Set(g.outputs.map((o) => o.name));
  for (;;) {
    const used = new Set<string>(outputs);
    for (const n of g.nodes) {
      for (const i of n.inputs) if (i) used.add(i);
      if (n.subgraphs) for (const name of outerNames(n)) used.add(name);
    }
    const before = g.nodes.length;
    g.nodes = g.nodes.filter((n) => n.outputs.some((o) => o && used.has(o)));
    if (g.nodes.length === before) {
      const inputs = new Set(g.inputs.map((i) => i.name));
      for (const name of [...g.initializers.keys()])
        if (!used.has(name) && !inputs.has(name)) g.initializers.delete(name);
      // `used` now also takes what is still produced: valueInfo stays for every live value.
      for (const n of g.nodes) for (const o of n.outputs) used.add(o);
      g.valueInfo = g.valueInfo.filter((v) => used.has(v.name));
      return;
    }
  }
}
