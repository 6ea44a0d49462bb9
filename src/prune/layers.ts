/**
 * Layer removal (ShortGPT-style): a plan's `{"layers": [{"remove": "layers.1"}]}`
 * removes a whole residual block. The block is the nodes exporters name under it
 * (`/layers.1/...`); its output (the one value it hands to the rest of the model)
 * is replaced by its input (the residual stream it adds to), so the rest of the
 * graph reads the input directly. Its cache outputs go, and the cache inputs only
 * it read go too: the model's interface changes, which the report lists. Nothing
 * is renumbered: the other layers keep their names.
 */
import { PruneguardError } from '../errors.js';
import { constantSource } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import type { Dim, Model, Node } from '../ir/types.js';
import { inferShapes } from '../shape/infer.js';
import { cacheInterface } from './kv-cache.js';
import { copyModel, removeDead } from './prepare.js';
import type { LayerSpec } from './plan.js';

export type { LayerSpec } from './plan.js';

export interface RemovedLayer {
  name: string;
  /** The residual stream entering the block: what its consumers read now. */
  input: string;
  /** The block's output, gone. */
  output: string;
  nodes: number;
}

const bad = (message: string) => new PruneguardError('E_BAD_PLAN', message);

function inLayer(node: Node, name: string): boolean {
  const prefixes = [`/${name}/`, `${name}/`];
  return prefixes.some((p) => node.name.startsWith(p) || node.outputs.some((o) => o.startsWith(p)));
}

const sameShape = (a: readonly Dim[] | undefined, b: readonly Dim[] | undefined) =>
  !!a && !!b && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);

/** How many outside nodes may stand between a block and its cache outputs. */
const MAX_TAIL = 16;

/**
 * Outside nodes computed from the block's values alone (constants aside) whose results reach only KV-cache
 * graph outputs: e.g. a stacked `present = stack((k, v))` built where the model loops over its layers.
 */
function cacheTails(model: Model, index: GraphIndex, layer: ReadonlySet<Node>): Set<Node> {
  const cache = cacheInterface(model.graph, index);
  // Per block output, the outside nodes it reaches, if they reach no graph output but cache ones.
  const closures: Set<Node>[] = [];
  for (const node of layer) {
    for (const o of node.outputs) {
      const reached = new Set<Node>();
      const queue = (index.consumers.get(o) ?? []).map((u) => u.node).filter((n) => !layer.has(n));
      let ok = queue.length > 0;
      while (queue.length && ok) {
        const n = queue.pop()!;
        if (reached.has(n) || layer.has(n)) continue;
        reached.add(n);
        if (reached.size > MAX_TAIL) ok = false;
        for (const out of n.outputs) {
          if (index.graphOutputs.has(out) && !cache.has(out)) ok = false;
          for (const u of index.consumers.get(out) ?? []) queue.push(u.node);
        }
      }
      if (ok && [...reached].some((n) => n.outputs.some((out) => cache.has(out)))) closures.push(reached);
    }
  }
  // Together (k's and v's moves meet in one stacking Concat) they must be computed from the block alone.
  const tails = new Set(closures.flatMap((c) => [...c]));
  const fromBlockOnly = (n: Node) =>
    n.inputs.every((i) => {
      if (!i || constantSource(model.graph, i, index) !== undefined) return true;
      const p = index.producer.get(i);
      return !!p && (layer.has(p) || tails.has(p));
    });
  return [...tails].every(fromBlockOnly) ? tails : new Set();
}

/** Removes the block `name` from `model` (mutated; pass a copy). */
export function removeLayer(model: Model, name: string): RemovedLayer {
  const graph = model.graph;
  const index = indexGraph(graph);
  const layer = new Set(graph.nodes.filter((n) => inLayer(n, name)));
  if (layer.size === 0) throw bad(`layers: no node is named under ${name} (expected names like /${name}/...)`);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inside = (value: string) => {
    const p = index.producer.get(value);
    return !!p && layer.has(p);
  };
  // Nodes outside the block that only move its values into its cache outputs (torch.stack((k, v)) written
  // by the model, not the block) go with it.
  for (const tail of cacheTails(model, index, layer)) layer.add(tail);
  // What the block hands to the rest of the model, graph outputs (its cache) aside.
  const handed = new Set<string>();
  for (const node of layer) {
    for (const o of node.outputs) {
      if (!o || outputs.has(o)) continue;
      if ((index.consumers.get(o) ?? []).some((u) => !layer.has(u.node))) handed.add(o);
    }
  }
  if (handed.size !== 1) {
    throw bad(
      `layers: ${name} is not one residual block: it hands ${handed.size} values to the rest of the ` +
        `model${handed.size ? ` (${[...handed].slice(0, 4).join(', ')})` : ''}`,
    );
  }
  const [output] = handed;
  // Its input: the value from outside that the chain of residual Adds ending at the output starts from.
  const shapes = inferShapes(model);
  const shape = (v: string) => shapes.values.get(v)?.shape;
  const candidates = new Set<string>();
  const queue = [output];
  for (const seen = new Set<string>(); queue.length; ) {
    const v = queue.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = index.producer.get(v);
    if (!p || !layer.has(p) || p.opType !== 'Add') continue;
    for (const i of p.inputs) {
      if (inside(i)) queue.push(i);
      else if (i && constantSource(graph, i, index) === undefined && sameShape(shape(i), shape(output)))
        candidates.add(i);
    }
  }
  if (candidates.size !== 1) {
    throw bad(
      `layers: ${name} is not a residual block: its output ${output} is not the sum of one outside value of its ` +
        `shape and the block's own (${candidates.size} candidates)`,
    );
  }
  const [input] = candidates;
  for (const node of graph.nodes) {
    if (layer.has(node)) continue;
    node.inputs = node.inputs.map((i) => (i === output ? input : i));
  }
  const readBefore = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.outputs = graph.outputs.filter((o) => !inside(o.name));
  removeDead(model);
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  // Cache inputs only this block read (itself, or through moves dead with it: `past[0]` of a stacked cache)
  // go with it; inputs nothing read before stay, even if unused.
  graph.inputs = graph.inputs.filter(
    (i) => read.has(i.name) || !readBefore.has(i.name) || graph.initializers.has(i.name),
  );
  return { name, input, output, nodes: layer.size };
}

/**
 * The model a plan's channels and heads apply to: `model` itself without `layers`,
 * else a copy with those blocks removed (names checked by the plan's shape first).
 */
export function withoutLayers(
  model: Model,
  layers: readonly (LayerSpec | undefined)[] | undefined,
): { model: Model; removed: RemovedLayer[] } {
  const specs = (layers ?? []).filter((l): l is LayerSpec => !!l);
  if (specs.length === 0) return { model, removed: [] };
  const copy = copyModel(model);
  return { model: copy, removed: specs.map((l) => removeLayer(copy, l.remove)) };
}
