/**
 * Prepares a model copy for pruning: a deep-enough copy (the input is never
 * mutated), shared constants un-shared where sharing is an exporter artefact,
 * and dead nodes/initializers dropped after rewriting.
 *
 * PyTorch's exporter de-duplicates value-equal parameters (fresh LayerNorm
 * weights, zero biases, shape vectors) into one initializer, aliased through
 * Identity. Pruning one layer must not slice another layer's copy, so every such
 * use gets its own copy. Weights read by Conv/Gemm/MatMul/Gather are kept shared:
 * those are real ties (tied embeddings) and are pruned consistently for all.
 */
import { aliasesOf, constantSource } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node, Tensor } from '../ir/types.js';
import { constantNodeValue } from '../ir/constants.js';

export function copyModel(model: Model): Model {
  const g = model.graph;
  return {
    ...model,
    opsetImports: model.opsetImports.map((o) => ({ ...o })),
    metadata: model.metadata.map((m) => ({ ...m })),
    graph: {
      ...g,
      nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: [...n.attributes] })),
      inputs: g.inputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
      outputs: g.outputs.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
      valueInfo: g.valueInfo.map((v) => ({ ...v, ...(v.shape ? { shape: [...v.shape] } : {}) })),
      // Tensors are replaced, never written in place, so sharing their storage is safe.
      initializers: new Map(g.initializers),
    },
  };
}

const WEIGHT_SLOTS: Record<string, number[]> = { Conv: [1], ConvTranspose: [1], Gemm: [0, 1], MatMul: [0, 1], Gather: [0] };

function isWeightUse(node: Node, slot: number): boolean {
  return WEIGHT_SLOTS[node.opType]?.includes(slot) ?? false;
}

/** Unique name in the graph for a new value. */
export function freshName(taken: (n: string) => boolean, hint: string): string {
  if (!taken(hint)) return hint;
  for (let k = 1; ; k++) if (!taken(`${hint}__${k}`)) return `${hint}__${k}`;
}

/** Gives each non-weight use of a shared constant its own copy. Mutates `model` (call on a copy). */
export function unshareConstants(model: Model): number {
  const g = model.graph;
  const index = indexGraph(g);
  const names = new Set<string>([...g.initializers.keys(), ...g.nodes.flatMap((n) => n.outputs)]);
  const roots = [...g.initializers.keys(), ...g.nodes.filter((n) => n.opType === 'Constant' && n.domain === '').map((n) => n.outputs[0])];
  let copies = 0;
  for (const root of roots) {
    if (!constantSource(g, root, index)) continue;
    const uses: { node: Node; slot: number }[] = [];
    for (const name of aliasesOf(root, index)) {
      for (const u of index.consumers.get(name) ?? []) if (!(u.node.opType === 'Identity' && u.node.domain === '')) uses.push(u);
    }
    const users = new Set(uses.map((u) => u.node));
    if (users.size < 2) continue;
    const value: Tensor | undefined = g.initializers.get(root) ?? constantNodeValue(index.producer.get(root)!);
    if (!value || value.dims.length === 0) continue; // scalars never carry channels
    const shareable = uses.filter((u) => isWeightUse(u.node, u.slot));
    const keepShared = shareable.length > 0 ? new Set(shareable.map((u) => u.node)) : new Set([uses[0].node]);
    for (const u of uses) {
      if (keepShared.has(u.node)) continue;
      const copy = freshName((n) => names.has(n), `${root}__${u.node.name || u.node.outputs[0]}`);
      names.add(copy);
      g.initializers.set(copy, value);
      u.node.inputs[u.slot] = copy;
      copies++;
    }
  }
  return copies;
}

/** Drops nodes whose outputs nobody reads (not graph outputs) and unused initializers. */
export function removeDead(model: Model): void {
  const g = model.graph;
  const outputs = new Set(g.outputs.map((o) => o.name));
  for (;;) {
    const used = new Set<string>(outputs);
    for (const n of g.nodes) for (const i of n.inputs) if (i) used.add(i);
    const before = g.nodes.length;
    g.nodes = g.nodes.filter((n) => n.outputs.some((o) => o && used.has(o)));
    if (g.nodes.length === before) {
      const inputs = new Set(g.inputs.map((i) => i.name));
      for (const name of [...g.initializers.keys()]) if (!used.has(name) && !inputs.has(name)) g.initializers.delete(name);
      const live = new Set([...used, ...g.nodes.flatMap((n) => n.outputs)]);
      g.valueInfo = g.valueInfo.filter((v) => live.has(v.name));
      return;
    }
  }
}
