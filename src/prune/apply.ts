/**
 * Structural removal: given groups and the channels to remove from each, slices
 * every stored member along its axis (once per storage, whatever alias reached
 * it), lets each touched op rewrite its attributes and shape constants, updates
 * declared shapes, and drops what became dead. Returns a new model; the analysis
 * is unchanged afterwards.
 */
import { constantSource, constantValue, setConstant } from '../ir/constants.js';
import { syncScopes } from '../ir/flat-scopes.js';
import { indexGraph } from '../ir/graph-index.js';
import { PruneguardError } from '../errors.js';
import type { Model, Node, Tensor } from '../ir/types.js';
import type { Group, GroupAnalysis } from './groups.js';
import { copyModel, freshName, removeDead, reshare } from './prepare.js';
import { freezeShapeEntries } from './freeze.js';
import type { AxisChange, RewriteContext } from '../ops/channel-rule.js';
import { opDef } from '../ops/registry.js';
import type { Changes } from './changes.js';
import { runRule } from '../ops/rule-bug.js';
import { noteInputs, rewriteShapeEntry, type LiveIndex } from './shape-entry.js';
import { keptIndices, takeAlong } from './slice.js';
import { snapshotModel } from './snapshot.js';
import { nodeLabel, type Space } from './spaces.js';

export interface Removal {
  group: Group;
  /** Channel indices of the group, ascending, unique. */
  remove: readonly number[];
  /** The ratio asked to keep `asked`; guards.roundTo kept more (a multiple of its width). */
  rounded?: { roundTo: number; asked: number };
}

export type { Changes } from './changes.js';

/** What rules see for a value pruning left alone (read-only: one instance serves every query). */
const UNCHANGED: ReadonlyMap<number, AxisChange> = new Map();

/**
 * Removed positions per space, from the groups' channel elements. Groups of the query-head and head_dim
 * passes index their own propagations: their spaces are merged with the first pass' by (value, axis), so a
 * KV head, a query head and a head_dim channel removed from the same tensor are one slice.
 */
export function removedBySpace(analysis: GroupAnalysis, removals: readonly Removal[]): Map<Space, Set<number>> {
  const out = new Map<Space, Set<number>>();
  const canonical = new Map<string, Space>();
  for (const s of analysis.prop.spaces) canonical.set(`${s.axis}:${s.value}`, s);
  // Each space's canonical space and removed set, looked up once per space rather than per element.
  const resolved = new Map<Space, Set<number>>();
  const removedOf = (own: Space): Set<number> => {
    let set = resolved.get(own);
    if (set) return set;
    const key = `${own.axis}:${own.value}`;
    let s = canonical.get(key);
    // A (value, axis) met by both passes is visited by the same rules: same entry, cache and storage.
    if (!s) canonical.set(key, (s = own));
    set = out.get(s);
    if (!set) out.set(s, (set = new Set()));
    resolved.set(own, set);
    return set;
  };
  for (const { group, remove } of removals) {
    const prop = group.query ? analysis.query! : group.headDim ? analysis.headDim! : analysis.prop;
    for (const c of remove) {
      for (const e of group.elements[c]) {
        const own = prop.spaceOf(e);
        removedOf(own).add(e - own.base);
      }
    }
  }
  return out;
}

/**
 * The pruned model, as a new model: the analysis (its model, index and rule contexts) is left exactly as it was,
 * so one analysis serves any number of prunes.
 */
export function applyRemovals(
  analysis: GroupAnalysis,
  removals: readonly Removal[],
): { model: Model; changes: Changes } {
  const restore = snapshotModel(analysis.model, analysis.prop.model);
  try {
    const changes = applyInPlace(analysis, removals);
    return { model: copyModel(analysis.model), changes };
  } finally {
    restore();
  }
}

/** The model unpruned, as a new model: the analysis' un-shared parameter copies shared again, nothing else changed. */
export function unprunedCopy(analysis: GroupAnalysis): Model {
  const restore = snapshotModel(analysis.model, analysis.prop.model);
  try {
    reshare(analysis.prop.model, analysis.copies);
    return copyModel(analysis.model);
  } finally {
    restore();
  }
}

/** Slices, rewrites and cleans the analysis' own model in place (undone by the caller). */
function applyInPlace(analysis: GroupAnalysis, removals: readonly Removal[]): Changes {
  // The flat view when the model has subgraphs: weights, nodes and declared types of every scope.
  const view = analysis.prop.model;
  const graph = view.graph;
  const { index, shapes } = analysis.prop;
  const changes: Changes = new Map();
  const storage = new Map<
    string,
    { src: NonNullable<ReturnType<typeof constantSource>>; axes: Map<number, Int32Array>; name: string }
  >();
  for (const [s, removed] of removedBySpace(analysis, removals)) {
    const keep = keptIndices(s.n, removed);
    if (keep.length === 0)
      throw new PruneguardError('E_BAD_PLAN', `the plan removes every channel of ${s.value} axis ${s.axis}`);
    let m = changes.get(s.value);
    if (!m) changes.set(s.value, (m = new Map()));
    m.set(s.axis, { before: s.n, keep });
    if (!s.stored) continue;
    const src = constantSource(graph, s.value, index)!;
    const key = src.kind === 'initializer' ? `i:${src.name}` : `c:${src.node.outputs[0]}`;
    let entry = storage.get(key);
    if (!entry) storage.set(key, (entry = { src, axes: new Map(), name: s.value }));
    const prev = entry.axes.get(s.axis);
    if (prev && (prev.length !== keep.length || prev.some((v, i) => v !== keep[i]))) {
      throw new PruneguardError(
        'E_PRUNE_BLOCKED',
        `${s.value} is shared and would be sliced differently along axis ${s.axis}`,
      );
    }
    entry.axes.set(s.axis, keep);
  }
  // Read every stored value before writing any (a Constant node's value changes when set).
  const sliced: { src: NonNullable<ReturnType<typeof constantSource>>; value: Tensor }[] = [];
  for (const { src, axes, name } of storage.values()) {
    let t = constantValue(graph, name, index)!;
    for (const [axis, keep] of axes) t = takeAlong(t, axis, keep);
    sliced.push({ src, value: t });
  }
  for (const { src, value } of sliced) setConstant(graph, src, value);

  const touched = new Set<Node>();
  for (const value of changes.keys()) {
    const p = index.producer.get(value);
    if (p) touched.add(p);
    for (const u of index.consumers.get(value) ?? []) touched.add(u.node);
  }
  const stored = (src: NonNullable<ReturnType<typeof constantSource>>) =>
    src.kind === 'initializer' ? graph.initializers.get(src.name) : constantValue(graph, src.node.outputs[0], index);
  // The graph as edited so far, for shape-entry rewrites (built when first needed, then kept
  // current: see LiveIndex). The analysis' own index stays as it was, describing the dense graph.
  let live: LiveIndex | undefined;
  const look = {
    graph,
    shape: (n: string) => shapes.values.get(n)?.shape,
    stored,
    get index() {
      return (live ??= indexGraph(graph));
    },
  };
  for (const node of graph.nodes.filter((n) => touched.has(n))) {
    const rule = opDef(node.opType, node.domain)?.channels;
    if (!rule?.rewrite) continue;
    const base = analysis.prop.contextOf(node);
    const inputsBefore = [...node.inputs];
    const names = (n: string) => graph.initializers.has(n) || index.producer.has(n);
    const ctx: RewriteContext = {
      ...base,
      changes: (io, slot) => changes.get(io === 'in' ? node.inputs[slot] : node.outputs[slot]) ?? UNCHANGED,
      changesOf: (value) => changes.get(value) ?? UNCHANGED,
      addConstant: (hint, value) => {
        const name = freshName(names, hint);
        graph.initializers.set(name, value);
        return name;
      },
      setInput: (slot, value) => {
        node.inputs[slot] = ctx.addConstant(`${node.inputs[slot] || nodeLabel(node)}__pruned`, value);
      },
      setShapeEntry: (slot, pos, value) => rewriteShapeEntry(look, node, slot, pos, value),
    };
    runRule(
      () => `channel rewrite of ${node.opType} ${nodeLabel(node)}`,
      () => rule.rewrite!(ctx),
    );
    // Inputs the rule pointed elsewhere itself (fresh constants), in the live index too.
    if (live) noteInputs(live, node, inputsBefore);
  }
  freezeShapeEntries(view, index, changes, look, (n) => shapes.values.get(n)?.shape);
  reshare(view, analysis.copies);
  for (const vi of [...graph.valueInfo, ...graph.inputs, ...graph.outputs]) {
    const m = changes.get(vi.name);
    if (!m || !vi.shape) continue;
    for (const [axis, c] of m) if (typeof vi.shape[axis] === 'number') vi.shape[axis] = c.keep.length;
  }
  // Old IR lists weights as graph inputs too: their declared shapes follow the sliced tensors.
  for (const vi of graph.inputs) {
    const t = graph.initializers.get(vi.name);
    if (t && vi.shape && (vi.shape.length !== t.dims.length || vi.shape.some((d, i) => d !== t.dims[i])))
      vi.shape = [...t.dims];
  }
  syncScopes(view);
  removeDead(analysis.model);
  return changes;
}
