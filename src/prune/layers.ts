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

/** A block a plan removed (its output is gone; its consumers read its input now). */
export type RemovedLayer = ResidualBlock;

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
function cacheTails(model: Model, ctx: BlockContext, layer: ReadonlySet<Node>): Set<Node> {
  const { index } = ctx;
  const cache = ctx.cache();
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

/** A residual block found in a model: what removing it rewires. */
export interface ResidualBlock {
  name: string;
  /** The residual stream entering the block: what its consumers read once it is removed. */
  input: string;
  /** The one value the block hands to the rest of the model. */
  output: string;
  nodes: number;
}

/** The graph facts locating a block needs; computed once when many names are tried. */
export interface BlockContext {
  index: GraphIndex;
  shape(value: string): readonly Dim[] | undefined;
  /** The model's KV-cache graph outputs (computed on first use). */
  cache(): ReadonlySet<string>;
}

/** The context for `locateBlock` on `model` (an index and one shape inference). */
export function blockContext(model: Model): BlockContext {
  const index = indexGraph(model.graph);
  const shapes = inferShapes(model);
  let cache: ReadonlySet<string> | undefined;
  return {
    index,
    shape: (v) => shapes.values.get(v)?.shape,
    cache: () => (cache ??= cacheInterface(model.graph, index)),
  };
}

/** A located block and its nodes (the ones named under it, and the outside nodes that only feed its cache). */
function locate(
  model: Model,
  name: string,
  ctx: BlockContext,
  named: ReadonlySet<Node>,
): { block: ResidualBlock; layer: Set<Node> } | string {
  const graph = model.graph;
  const { index, shape } = ctx;
  if (named.size === 0) return `no node is named under ${name} (expected names like /${name}/...)`;
  const layer = new Set(named);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const inside = (value: string) => {
    const p = index.producer.get(value);
    return !!p && layer.has(p);
  };
  // Nodes outside the block that only move its values into its cache outputs (torch.stack((k, v)) written
  // by the model, not the block) go with it.
  for (const tail of cacheTails(model, ctx, layer)) layer.add(tail);
  // What the block hands to the rest of the model, graph outputs (its cache) aside.
  const handed = new Set<string>();
  for (const node of layer) {
    for (const o of node.outputs) {
      if (!o || outputs.has(o)) continue;
      if ((index.consumers.get(o) ?? []).some((u) => !layer.has(u.node))) handed.add(o);
    }
  }
  if (handed.size !== 1) {
    return (
      `${name} is not one residual block: it hands ${handed.size} values to the rest of the ` +
      `model${handed.size ? ` (${[...handed].slice(0, 4).join(', ')})` : ''}`
    );
  }
  const [output] = handed;
  // Its input: the value from outside that the chain of residual Adds ending at the output starts from.
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
    return (
      `${name} is not a residual block: its output ${output} is not the sum of one outside value of its ` +
      `shape and the block's own (${candidates.size} candidates)`
    );
  }
  const [input] = candidates;
  return { block: { name, input, output, nodes: layer.size }, layer };
}

const namedUnder = (model: Model, name: string) => new Set(model.graph.nodes.filter((n) => inLayer(n, name)));

/**
 * Where the block `name` is and what removing it rewires, or why `name` is not one residual block (one value
 * handed on, the sum of one outside value of its shape and the block's own).
 */
export function locateBlock(
  model: Model,
  name: string,
  ctx: BlockContext = blockContext(model),
): ResidualBlock | string {
  const found = locate(model, name, ctx, namedUnder(model, name));
  return typeof found === 'string' ? found : found.block;
}

/** Removes the block `name` from `model` (mutated; pass a copy). */
export function removeLayer(model: Model, name: string): RemovedLayer {
  const graph = model.graph;
  const found = locate(model, name, blockContext(model), namedUnder(model, name));
  if (typeof found === 'string') throw bad(`layers: ${found}`);
  const { block, layer } = found;
  const { input, output } = block;
  const producedInside = new Set([...layer].flatMap((n) => n.outputs));
  for (const node of graph.nodes) {
    if (layer.has(node)) continue;
    node.inputs = node.inputs.map((i) => (i === output ? input : i));
  }
  const readBefore = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.outputs = graph.outputs.filter((o) => !producedInside.has(o.name));
  removeDead(model);
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  // Cache inputs only this block read (itself, or through moves dead with it: `past[0]` of a stacked cache)
  // go with it; inputs nothing read before stay, even if unused.
  graph.inputs = graph.inputs.filter(
    (i) => read.has(i.name) || !readBefore.has(i.name) || graph.initializers.has(i.name),
  );
  return block;
}

/**
 * Every residual block a model's node names delimit (`/NAME/...` at any depth of the name path), in graph
 * order: the candidates for layer removal. Names that are not one residual block are left out.
 */
export function residualBlocks(model: Model): ResidualBlock[] {
  // The nodes under each name path prefix, as inLayer selects them (one pass, not one per name).
  const under = new Map<string, Set<Node>>();
  for (const node of model.graph.nodes) {
    for (const path of [node.name, ...node.outputs]) {
      const parts = path.replace(/^\//, '').split('/').slice(0, -1);
      for (let k = 1; k <= parts.length; k++) {
        const name = parts.slice(0, k).join('/');
        let set = under.get(name);
        if (!set) under.set(name, (set = new Set()));
        set.add(node);
      }
    }
  }
  const ctx = blockContext(model);
  return [...under].flatMap(([name, named]) => {
    const found = locate(model, name, ctx, named);
    return typeof found === 'string' ? [] : [found.block];
  });
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
