/**
 * Propagation of channels through the graph. A *space* is one axis of one value
 * (activation or stored constant) that carries channels; its elements are the
 * channel indices along that axis. Starting from the output channels of every
 * weight-bearing op, each op's rule says which other (value, axis) of the node
 * meets these channels and how the indices map; matching elements are united.
 * A connected set of elements is one removable channel; blocks, inexact reasons,
 * mask entries and head splits are recorded on the spaces they come from.
 */
import { constantSource, constantValue } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import { toNumbers } from '../ir/tensor.js';
import { defaultOpset, type Dim, type Model, type Node, type Tensor } from '../ir/types.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';
import { channelCount } from '../ops/channel-dim.js';
import type { Port, RuleContext } from '../ops/channel-rule.js';
import { forEachPair, type IndexMap } from '../ops/index-map.js';
import { opDef } from '../ops/registry.js';
import { cacheInterface } from './kv-cache.js';
import { RuleBug } from '../ops/rule-bug.js';
import { boundaryReason, couplingsOf, coupledAxes, implicitUseReason, isCoupled } from './subgraph-boundary.js';
import { traceShapeEntry, type ShapeLookup } from './shape-entry.js';
import { UnionFind } from './union-find.js';
import { fillWith, markConvertedEntries, weightConversion } from './converted-weights.js';
import { nodeLabel, opLabel } from '../ir/node-label.js';

export interface Space {
  id: number;
  value: string;
  axis: number;
  n: number;
  /** First element id in the union-find. */
  base: number;
  /** Stored constant (initializer or Constant node, maybe through Identity): sliced when pruned. */
  stored: boolean;
  blocked: string[];
  inexact: string[];
  /**
   * Inexact reasons that are a product of two activations contracting the channels (kept apart from
   * `inexact`: a head_dim group is exact when zeroed where produced, see head-dim.ts).
   */
  contracted: string[];
  /** Channels enter a weight here: the mask oracle zeroes these slices. */
  entry: boolean;
  /**
   * The stored zero point an entry of an integer weight is masked to instead of 0 (`value`: one element,
   * or one per index of this tensor's axis `axis`).
   */
  maskFill: { value: string; axis: number } | undefined;
  /** The first node through which the space was reached (reports name it). */
  via?: Node;
  headSize?: number;
  attention?: boolean;
  /** A KV-cache graph input or output (kv-cache.ts): pruning it changes the model's interface. */
  cache: boolean;
}

export interface Propagation {
  model: Model;
  index: GraphIndex;
  shapes: ShapeResult;
  spaces: Space[];
  uf: UnionFind;
  /** Element id → its space. */
  spaceOf(element: number): Space;
  /** The rule context of a node of `model`, made once (propagation and rewriting share it). */
  contextOf(node: Node): RuleContext;
  /** Nodes that could pair channels another way (a fused split), with how many ways and the spaces they linked. */
  choosers: Map<Node, { alternatives: number; spaces: Space[] }>;
}

export interface PropagateOptions {
  /** The model's current graph index, when the caller has one. */
  index?: GraphIndex;
  /** Its inferred shapes, when the caller has them. */
  shapes?: ShapeResult;
  /** The alternative pairing each chooser node uses (default 0). */
  choices?: ReadonlyMap<Node, number>;
  /** Block KV-cache inputs/outputs like any graph input/output (the model's interface must not change). */
  keepInterface?: boolean;
}

export { nodeLabel };

function ruleContext(model: Model, index: GraphIndex, shapes: ShapeResult, node: Node, choice: number): RuleContext {
  const graph = model.graph;
  const lookup: ShapeLookup = {
    graph,
    index,
    shape: (n) => shapes.values.get(n)?.shape,
    stored: (src) =>
      src.kind === 'initializer' ? graph.initializers.get(src.name) : constantValue(graph, src.node.outputs[0], index),
  };
  const constant = (slot: number): Tensor | undefined => {
    const name = node.inputs[slot];
    if (!name) return undefined;
    return shapes.constants.get(name) ?? constantValue(graph, name, index);
  };
  return {
    node,
    opset: defaultOpset(model),
    choice,
    shape: (io, slot) => {
      const name = io === 'in' ? node.inputs[slot] : node.outputs[slot];
      return name ? shapes.values.get(name)?.shape : undefined;
    },
    constant,
    ints: (slot) => {
      const t = constant(slot);
      return t && t.dtype !== 'string' ? (toNumbers(t) as Dim[]) : undefined;
    },
    // A converted stored weight (Cast, DequantizeLinear, an unfolded Transpose) is a weight too: a MatMul
    // reading W through one must treat it as its weight, not as a second activation.
    isStored: (slot) =>
      !!node.inputs[slot] &&
      (constantSource(graph, node.inputs[slot], index) !== undefined ||
        weightConversion(model, index, node.inputs[slot]) !== undefined),
    has: (slot) => !!node.inputs[slot],
    shapeEntry: (slot, pos) => traceShapeEntry(lookup, node.inputs[slot], pos),
  };
}

/** Seeds: the output axes whose channels a node's stored (or converted stored) weights create (`OpDef.seeds`). */
function seeds(model: Model, index: GraphIndex, shapes: ShapeResult): { value: string; axis: number }[] {
  const out: { value: string; axis: number }[] = [];
  for (const node of model.graph.nodes) {
    const seedsOf = opDef(node.opType, node.domain)?.seeds;
    if (!seedsOf) continue;
    const stored = (name: string) =>
      constantSource(model.graph, name, index) !== undefined || weightConversion(model, index, name) !== undefined;
    const view = {
      stored: (slot: number) => !!node.inputs[slot] && stored(node.inputs[slot]),
      output: shapes.values.get(node.outputs[0])?.shape,
    };
    for (const axis of seedsOf(node, view)) out.push({ value: node.outputs[0], axis });
  }
  return out;
}

export function propagate(model: Model, options: PropagateOptions = {}): Propagation {
  const graph = model.graph;
  const index = options.index ?? indexGraph(graph);
  const shapes = options.shapes ?? inferShapes(model);
  const choosers = new Map<Node, { alternatives: number; spaces: Space[] }>();
  const uf = new UnionFind();
  const spaces: Space[] = [];
  // Spaces of a value by axis: a composite string key per lookup was most of the cost of this function.
  const byValue = new Map<string, Space[]>();
  const owner: Space[] = [];
  const queue: Space[] = [];
  const contexts = new Map<Node, RuleContext>();
  const contextOf = (node: Node): RuleContext => {
    let ctx = contexts.get(node);
    if (!ctx) contexts.set(node, (ctx = ruleContext(model, index, shapes, node, options.choices?.get(node) ?? 0)));
    return ctx;
  };

  const space = (value: string, axis: number): Space | string => {
    let axes = byValue.get(value);
    const found = axes?.[axis];
    if (found) return found;
    const raw = shapes.values.get(value)?.shape?.[axis];
    const dim = channelCount(raw);
    if (dim === undefined) return `channel count of ${value} axis ${axis} is not static (${raw ?? 'unknown'})`;
    const s: Space = {
      id: spaces.length,
      value,
      axis,
      n: dim,
      base: uf.add(dim),
      stored: constantSource(graph, value, index) !== undefined,
      // Every field set here, optional ones too: one object shape for all spaces keeps their reads monomorphic.
      blocked: [],
      inexact: [],
      contracted: [],
      entry: false,
      maskFill: undefined,
      via: undefined,
      headSize: undefined,
      attention: undefined,
      cache: false,
    };
    for (let i = 0; i < dim; i++) owner[s.base + i] = s;
    spaces.push(s);
    if (!axes) byValue.set(value, (axes = []));
    axes[axis] = s;
    queue.push(s);
    return s;
  };

  /** The space a rule's port (or named value) refers to; a reason when its channel count is not static. */
  const portSpace = (node: Node, p: Port & { value?: string }): Space | string | undefined => {
    const name = p.value ?? (p.io === 'in' ? node.inputs[p.slot] : node.outputs[p.slot]);
    return name ? space(name, p.axis) : undefined;
  };

  /** What the node's rule says about port `port` of space `s`: links, ties and entries applied. */
  const visit = (s: Space, node: Node, port: Port): void => {
    s.via ??= node;
    if (node.subgraphs) {
      // What the node passes by position is linked through its couplings (below); nothing else crosses.
      if (!isCoupled(couplings, node, s.value)) s.blocked.push(boundaryReason(node, port));
      return;
    }
    const rule = opDef(node.opType, node.domain)?.channels;
    if (!rule) {
      s.blocked.push(`${opLabel(node)}: no pruning rule for ${node.domain ? `${node.domain}::` : ''}${node.opType}`);
      return;
    }
    let res;
    try {
      res = rule.links(contextOf(node), port);
    } catch (e) {
      throw new RuleBug(`channel rule of ${opLabel(node)} at ${port.io}put ${port.slot} axis ${port.axis}`, e);
    }
    if ('blocked' in res) {
      s.blocked.push(`${opLabel(node)}: ${res.blocked}`);
      return;
    }
    if (res.inexact) (res.contraction ? s.contracted : s.inexact).push(`${opLabel(node)}: ${res.inexact}`);
    if (res.block) s.blocked.push(`${opLabel(node)}: ${res.block}`);
    if (res.attention) s.attention = true;
    let chooser: { alternatives: number; spaces: Space[] } | undefined;
    if (res.alternatives !== undefined && res.alternatives > 1) {
      chooser = choosers.get(node);
      if (!chooser) choosers.set(node, (chooser = { alternatives: res.alternatives, spaces: [] }));
      chooser.spaces.push(s);
    }
    for (const link of res.links) {
      const t = portSpace(node, link);
      if (t === undefined) continue;
      if (typeof t === 'string') {
        s.blocked.push(`${opLabel(node)}: ${t}`);
        continue;
      }
      chooser?.spaces.push(t);
      t.via ??= node;
      if (link.headSize) t.headSize = link.headSize;
      unitePairs(uf, link.map, s, t);
    }
    for (const tie of res.ties ?? []) {
      const t = portSpace(node, tie);
      if (!t || typeof t === 'string') continue;
      for (let i = 0; i < t.n; i++) {
        const j = tie.kind === 'blocks' ? Math.floor(i / tie.size) * tie.size : i % tie.size;
        uf.union(t.base + i, t.base + j);
      }
    }
    for (const e of res.entries ?? []) {
      const t = portSpace(node, e);
      if (!t || typeof t === 'string') continue;
      t.entry = true;
      const zp = e.zeroPoint && node.inputs[e.zeroPoint.slot];
      if (zp && !constantValue(graph, zp, index))
        t.inexact.push(`${opLabel(node)}: the weight's zero point ${zp} is not a constant the mask can write`);
      else if (zp) fillWith(t, node, zp, e.zeroPoint!.axis);
    }
  };

  const cache = cacheInterface(graph, index);
  const couplings = couplingsOf(model, (v) => shapes.values.get(v)?.shape?.length);
  for (const seed of seeds(model, index, shapes)) space(seed.value, seed.axis);

  // Each space is dequeued once and each of its ports is distinct, so no (space, node, port) is visited twice.
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    for (const [io, names] of [
      ['output', index.graphOutputs],
      ['input', index.graphInputs],
    ] as const) {
      if (!names.has(s.value)) continue;
      if (!cache.has(s.value)) s.blocked.push(`graph ${io} ${s.value} keeps its shape`);
      else if (options.keepInterface)
        s.blocked.push(
          `graph ${io} ${s.value} is a KV cache: pruning it changes the model interface (kept by --keep-interface)`,
        );
      else s.cache = true;
    }
    const producer = index.producer.get(s.value);
    if (producer) visit(s, producer, { io: 'out', slot: producer.outputs.indexOf(s.value), axis: s.axis });
    for (const use of index.consumers.get(s.value) ?? [])
      visit(s, use.node, { io: 'in', slot: use.slot, axis: s.axis });
    // Read inside a subgraph of a model that is no flat view (analysed on its own): channels stop there.
    for (const node of index.implicitUses.get(s.value) ?? []) s.blocked.push(implicitUseReason(node, s.value));
    for (const c of couplings.get(s.value) ?? []) {
      s.via ??= c.node;
      const member = c.members.find((m) => m.value === s.value)!;
      const others = coupledAxes(c, member, s.axis);
      if (typeof others === 'string') {
        s.blocked.push(others);
        continue;
      }
      for (const o of others) {
        const t = space(o.value, o.axis);
        if (typeof t === 'string') s.blocked.push(`${opLabel(c.node)} (${c.role}): ${t}`);
        else if (t.n !== s.n)
          s.blocked.push(`${opLabel(c.node)} (${c.role}): ${s.value} has ${s.n} channels, ${t.value} ${t.n}`);
        else {
          t.via ??= c.node;
          unitePairs(uf, { kind: 'identity' }, s, t);
        }
      }
    }
  }
  markConvertedEntries(model, index, spaces, byValue);
  return { model, index, shapes, spaces, uf, spaceOf: (e) => owner[e], contextOf, choosers };
}

/** Unites the elements of `s` and `t` that `map` pairs (identity, the common case, without a callback per pair). */
function unitePairs(uf: UnionFind, map: IndexMap, s: Space, t: Space): void {
  if (map.kind === 'identity') {
    for (let i = 0, n = Math.min(s.n, t.n); i < n; i++) uf.union(s.base + i, t.base + i);
    return;
  }
  forEachPair(map, s.n, t.n, (i, j) => uf.union(s.base + i, t.base + j));
}
