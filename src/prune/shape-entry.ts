/**
 * Tracing one entry of a shape vector back to where it comes from (`ShapeEntry`, defined with the op
 * registry in `ops/shape-entry.ts`): a stored constant is a literal; otherwise the producing op's
 * `shapeEntry` facet says how its output entry is made, and this walk follows it. Also rewriting a
 * literal entry after pruning, without editing anything another consumer reads.
 */
import { constantSource, resolveAlias } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { cloneTensor, fromNumbers, getElement, setElement } from '../ir/tensor.js';
import type { GraphIndex } from '../ir/graph-index.js';
import type { Graph, Node } from '../ir/types.js';
import { opDef } from '../ops/registry.js';
import { computedBy, pieceLength, type EntryTracer, type ShapeEntry, type ShapeLookup } from '../ops/shape-entry.js';
import { whereKeeps } from '../ops/elementwise/entries.js';
import { freshName } from './prepare.js';

export type { ShapeEntry, ShapeLookup } from '../ops/shape-entry.js';

/** Entry `pos` of the shape vector `name`, traced through the ops that built it. */
export function traceShapeEntry(look: ShapeLookup, name: string, pos: number, depth = 0): ShapeEntry {
  if (depth > 16) return { kind: 'unknown', reason: 'shape vector built too deep' };
  const src = constantSource(look.graph, name, look.index);
  if (src) {
    const t = look.stored(src);
    if (!t || pos >= t.data.length) return { kind: 'unknown', reason: `constant ${name} has no entry ${pos}` };
    return { kind: 'literal', value: getElement(t, pos), src, element: pos };
  }
  const node = look.index.producer.get(resolveAlias(name, look.index));
  if (!node) return { kind: 'unknown', reason: `${name} is not a constant` };
  const rule = opDef(node.opType, node.domain)?.shapeEntry;
  if (!rule) return computedBy(node, name, pos);
  const tracer: EntryTracer = {
    look,
    trace: (n, p) => traceShapeEntry(look, n, p, depth + 1),
    length: (n) => pieceLength(look, n, look.index),
  };
  return rule(tracer, node, name, pos);
}

/**
 * An index of a graph being edited, kept current by whoever edits it (rewriteShapeEntry keeps it
 * through its own edits; see `redirectInput`). One per prune: rebuilding an index per rewritten
 * entry made pruning quadratic in the number of Reshapes (a 1000-block transformer: 14 minutes).
 */
export interface LiveIndex extends GraphIndex {
  /** Node names of the graph, for naming clones (built when first needed). */
  nodeNames?: Set<string>;
}

/** Points input `slot` of `node` at `name`, keeping `index`'s consumer lists current. */
export function redirectInput(index: GraphIndex, node: Node, slot: number, name: string): void {
  const before = [...node.inputs];
  node.inputs[slot] = name;
  noteInputs(index, node, before);
}

/** `node`'s inputs were `before` and are what they are now: `index`'s consumer lists follow. */
export function noteInputs(index: GraphIndex, node: Node, before: readonly string[]): void {
  for (let slot = 0; slot < Math.max(node.inputs.length, before.length); slot++) {
    const was = before[slot] ?? '';
    const now = node.inputs[slot] ?? '';
    if (was === now) continue;
    const uses = index.consumers.get(was);
    const at = uses?.findIndex((u) => u.node === node && u.slot === slot) ?? -1;
    if (uses && at >= 0) uses.splice(at, 1);
    if (!now) continue;
    // Idempotent: an edit already noted (a rewrite inside a rule, then the rule's own diff) is noted once.
    const to = index.consumers.get(now);
    if (!to) index.consumers.set(now, [{ node, slot }]);
    else if (!to.some((u) => u.node === node && u.slot === slot)) to.push({ node, slot });
  }
}

/** `clone` inserted into the graph after `after`, in the index too. */
function insertAfter(graph: Graph, index: LiveIndex, after: Node, clone: Node): void {
  graph.nodes.splice(graph.nodes.indexOf(after) + 1, 0, clone);
  for (const out of clone.outputs) if (out) index.producer.set(out, clone);
  clone.inputs.forEach((name, slot) => {
    if (!name) return;
    const uses = index.consumers.get(name);
    if (uses) uses.push({ node: clone, slot });
    else index.consumers.set(name, [{ node: clone, slot }]);
  });
  if (clone.name) index.nodeNames?.add(clone.name);
}

/**
 * Writes `value` at entry `pos` of the shape vector read by `node.inputs[slot]`.
 * Nothing shared is edited in place: the literal becomes a fresh initializer, and
 * every node on the way (Concat, Unsqueeze...) that another consumer also reads
 * is cloned for this path first. Returns false when the entry is not a literal.
 * `look.index`, when given, must be current for `look.graph`; it is kept current here.
 */
export function rewriteShapeEntry(
  look: Omit<ShapeLookup, 'index'> & { index?: LiveIndex },
  node: Node,
  slot: number,
  pos: number,
  value: number,
  opts: { onlyComputed?: boolean } = {},
): boolean {
  const graph = look.graph;
  const index: LiveIndex = look.index ?? indexGraph(graph);
  const full: ShapeLookup = { ...look, index };
  if (opts.onlyComputed) {
    const e = traceShapeEntry(full, node.inputs[slot], pos);
    if (e.kind === 'literal') return true;
  }
  let consumer = node,
    at = slot,
    entry = pos;
  for (let depth = 0; depth < 16; depth++) {
    const name = consumer.inputs[at];
    const src = constantSource(graph, name, index);
    if (src) {
      const t = look.stored(src);
      if (!t || entry >= t.data.length) return false;
      const copy = cloneTensor(t);
      setElement(copy, entry, value);
      const fresh = freshName((n) => graph.initializers.has(n) || index.producer.has(n), `${name}__pruned`);
      graph.initializers.set(fresh, copy);
      redirectInput(index, consumer, at, fresh);
      return true;
    }
    let producer = index.producer.get(name);
    if (!producer) return false;
    if ((index.consumers.get(name)?.length ?? 0) > 1) {
      // Un-share this step of the shape computation for our consumer only.
      const out = freshName((n) => graph.initializers.has(n) || index.producer.has(n), `${name}__pruned`);
      const names = (index.nodeNames ??= new Set(graph.nodes.map((n) => n.name)));
      const clone: Node = {
        ...producer,
        name: producer.name ? freshName((n) => names.has(n), `${producer.name}__pruned`) : '',
        inputs: [...producer.inputs],
        outputs: producer.outputs.map((o) => (o === name ? out : '')),
        attributes: [...producer.attributes],
      };
      insertAfter(graph, index, producer, clone);
      redirectInput(index, consumer, at, out);
      producer = clone;
    }
    if (producer.opType === 'Concat') {
      let k = 0;
      for (; k < producer.inputs.length; k++) {
        const len = pieceLength(look, producer.inputs[k], index);
        if (len === undefined) return false;
        if (entry < len) break;
        entry -= len;
      }
      if (k === producer.inputs.length) return false;
      const sub = traceShapeEntry(full, producer.inputs[k], entry);
      // Frozen to its dense size, a runtime size × literal (kv_heads × n_rep) is written whole: writing the
      // size into its literal would multiply it by the runtime size again (repeat_kv's Reshape under head_dim).
      if ((sub.kind !== 'literal' && sub.kind !== 'scaled') || (sub.kind === 'scaled' && opts.onlyComputed)) {
        // A computed piece of several entries (x.shape[:-2] of a flatten) cannot take one literal.
        if (pieceLength(look, producer.inputs[k], index) !== 1) return false;
        // A computed 1-element piece (the size of some other value): the pruned size is static, write it.
        const fresh = freshName(
          (n) => graph.initializers.has(n) || index.producer.has(n),
          `${producer.inputs[k]}__pruned`,
        );
        graph.initializers.set(fresh, fromNumbers('int64', [1], [value]));
        redirectInput(index, producer, k, fresh);
        return true;
      }
      consumer = producer;
      at = k;
    } else if (producer.opType === 'Mul') {
      // The entry is a product (see above): freezing it writes the whole value, which a Mul cannot hold.
      if (opts.onlyComputed) return false;
      const k = [0, 1].find((s) => constantSource(graph, producer!.inputs[s], index) !== undefined);
      if (k === undefined) return false;
      consumer = producer;
      at = k;
      entry = 0;
    } else if (producer.opType === 'Where') {
      // The literal behind torch's Where(Equal(v, -1), ones, v): rewrite v on the picked side only.
      const tracer: EntryTracer = {
        look: full,
        trace: (n, p) => traceShapeEntry(full, n, p),
        length: (n) => pieceLength(full, n, full.index),
      };
      const cond = traceShapeEntry(full, producer.inputs[0], entry);
      if (cond.kind !== 'literal' && cond.kind !== 'fixed') return false;
      const slot = cond.value ? 1 : 2;
      if (value < 0 || !whereKeeps(tracer, producer, slot, entry)) return false;
      consumer = producer;
      at = slot;
    } else if (producer.opType === 'Reshape' && look.shape(producer.inputs[0])?.length === 1) {
      // A shape vector reshaped to 1-D ([-1]) keeps its entries in order.
      consumer = producer;
      at = 0;
    } else if (
      producer.opType === 'Unsqueeze' ||
      producer.opType === 'Cast' ||
      producer.opType === 'Squeeze' ||
      producer.opType === 'Identity'
    ) {
      consumer = producer;
      at = 0;
    } else return false;
  }
  return false;
}
