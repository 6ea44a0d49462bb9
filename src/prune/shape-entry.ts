/**
 * Where one entry of a shape vector (a Reshape target, an Expand shape) comes
 * from: a literal stored in a constant (rewritable in place), a runtime size read
 * with Shape → Gather (adapts by itself), or something we cannot follow.
 * Exporters build these vectors with Concat(Unsqueeze(Gather(Shape(x), i)), const...).
 */
import { constantSource, resolveAlias, type ConstantSource } from '../ir/constants.js';
import { attrInt } from '../ir/attrs.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import { cloneTensor, fromNumbers, getElement, setElement } from '../ir/tensor.js';
import type { Dim, Graph, Node, Tensor } from '../ir/types.js';
import { constantNodeTensor } from '../shape/constant-cache.js';
import { freshName } from './prepare.js';

export type ShapeEntry =
  | { kind: 'literal'; value: number; src: ConstantSource; element: number }
  /**
   * A runtime size times a stored literal (`Mul(Gather(Shape(x), 1), 4)` = batch × heads, or
   * grouped-query attention's kv_heads × n_rep); `from` is the runtime size when it is one value's axis.
   */
  | { kind: 'scaled'; factor: number; from?: { value: string; axis: number } }
  /** `piece`: the entry is a whole 1-element Concat input, which can be replaced by a literal. */
  | { kind: 'dynamic'; from: { value: string; axis: number }; piece?: boolean }
  /**
   * Computed from constants alone, never from a runtime size (torch's `expand(B, -1, -1)` becomes
   * Where(Equal(v, -1), ConstantOfShape(1), v)): fixed whatever is pruned, but not rewritable.
   */
  | { kind: 'fixed'; value: number }
  | { kind: 'unknown'; reason: string; piece?: boolean };

export interface ShapeLookup {
  graph: Graph;
  index: GraphIndex;
  shape(name: string): Dim[] | undefined;
  stored(src: ConstantSource): Tensor | undefined;
}

/** Length of a 1-D piece of a shape vector (a scalar counts 1); stored pieces added by rewriting count too. */
function pieceLength(look: Omit<ShapeLookup, 'index'>, name: string, index: GraphIndex): number | undefined {
  let s = look.shape(name);
  if (!s) {
    const src = constantSource(look.graph, name, index);
    s = src ? (look.stored(src)?.dims as Dim[] | undefined) : undefined;
  }
  if (!s) return undefined;
  if (s.length === 0) return 1;
  return typeof s[0] === 'number' ? s[0] : undefined;
}

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
  switch (node.opType) {
    case 'Concat': {
      let at = pos;
      for (const input of node.inputs) {
        const len = pieceLength(look, input, look.index);
        if (len === undefined) return { kind: 'unknown', reason: `length of ${input} in the shape Concat is unknown` };
        if (at < len) {
          const r = traceShapeEntry(look, input, at, depth + 1);
          return len === 1 && (r.kind === 'dynamic' || r.kind === 'unknown') ? { ...r, piece: true } : r;
        }
        at -= len;
      }
      return { kind: 'unknown', reason: `shape Concat has no entry ${pos}` };
    }
    case 'Unsqueeze':
    case 'Cast':
    case 'Squeeze':
    case 'Identity':
      return traceShapeEntry(look, node.inputs[0], pos, depth + 1);
    case 'Gather': {
      const data = look.index.producer.get(resolveAlias(node.inputs[0], look.index));
      const idxSrc = constantSource(look.graph, node.inputs[1], look.index);
      const idx = idxSrc ? look.stored(idxSrc) : undefined;
      if (data?.opType === 'Shape' && idx && attrInt(node, 'axis', 0) === 0) {
        const i = getElement(idx, idx.dims.length === 0 ? 0 : pos);
        const rank = look.shape(data.inputs[0])?.length ?? 0;
        const start = attrInt(data, 'start', 0);
        return {
          kind: 'dynamic',
          from: { value: data.inputs[0], axis: (i < 0 ? i + rank : i) + (start < 0 ? start + rank : start) },
        };
      }
      return { kind: 'unknown', reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name}` };
    }
    case 'Shape': {
      const rank = look.shape(node.inputs[0])?.length ?? 0;
      const start = attrInt(node, 'start', 0);
      return { kind: 'dynamic', from: { value: node.inputs[0], axis: pos + (start < 0 ? start + rank : start) } };
    }
    case 'Floor':
    case 'Ceil':
    case 'Round': {
      // A runtime size is an integer already; a constant is rounded (and no longer a rewritable literal).
      const e = traceShapeEntry(look, node.inputs[0], pos, depth + 1);
      const round = node.opType === 'Floor' ? Math.floor : node.opType === 'Ceil' ? Math.ceil : roundHalfEven;
      return e.kind === 'literal' || e.kind === 'fixed' ? { kind: 'fixed', value: round(e.value) } : e;
    }
    case 'Add':
    case 'Sub':
    case 'Div': {
      const [a, b] = [0, 1].map((k) => entryAt(look, node.inputs[k], pos, depth));
      const both = operands(look, node, pos, depth);
      if (both) {
        const [x, y] = both;
        const v = node.opType === 'Add' ? x + y : node.opType === 'Sub' ? x - y : y !== 0 ? x / y : NaN;
        if (Number.isInteger(v)) return { kind: 'fixed', value: v };
        if (Number.isFinite(v) && node.opType === 'Div') return { kind: 'fixed', value: v }; // float arithmetic before a Floor/Cast
        return { kind: 'unknown', reason: `entry ${pos} of ${name}: ${node.opType} of ${x} and ${y} is not a size` };
      }
      // x + 0, x - 0, x / 1: the runtime size passes unchanged.
      const neutral = node.opType === 'Div' ? 1 : 0;
      const isNeutral = (e: ShapeEntry) => (e.kind === 'literal' || e.kind === 'fixed') && e.value === neutral;
      if (isNeutral(b)) return a;
      if (node.opType === 'Add' && isNeutral(a)) return b;
      return {
        kind: 'unknown',
        reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name} from a runtime size`,
      };
    }
    case 'Mul': {
      // Operands at this entry (a vector of scales multiplies entry by entry; a scalar broadcasts).
      const lit = [0, 1].map((k) => entryAt(look, node.inputs[k], pos, depth));
      const k = lit.findIndex((r) => r.kind === 'literal');
      const other = lit[1 - k];
      if (k >= 0 && other.kind !== 'literal' && other.kind !== 'fixed') {
        return {
          kind: 'scaled',
          factor: (lit[k] as { value: number }).value,
          ...(other.kind === 'dynamic' ? { from: other.from } : {}),
        };
      }
      const both = operands(look, node, pos, depth);
      if (both) return { kind: 'fixed', value: both[0] * both[1] };
      return { kind: 'unknown', reason: `entry ${pos} of ${name} is a product of non-literals` };
    }
    case 'Equal': {
      const both = operands(look, node, pos, depth);
      if (both) return { kind: 'fixed', value: both[0] === both[1] ? 1 : 0 };
      // torch's expand(B, Hkv, n_rep, S, hd) tests every entry for -1: a runtime size never is.
      const [a, b] = [0, 1].map((k) => entryAt(look, node.inputs[k], pos, depth));
      const negative = (e: ShapeEntry) => (e.kind === 'literal' || e.kind === 'fixed') && e.value < 0;
      if ((a.kind === 'dynamic' && negative(b)) || (b.kind === 'dynamic' && negative(a)))
        return { kind: 'fixed', value: 0 };
      return { kind: 'unknown', reason: `entry ${pos} of ${name} compares values that are not constant` };
    }
    case 'Where': {
      const cond = entryAt(look, node.inputs[0], pos, depth);
      if (cond.kind !== 'literal' && cond.kind !== 'fixed')
        return { kind: 'unknown', reason: `the condition of Where ${node.name} at entry ${pos} is not constant` };
      const picked = traceShapeEntry(look, node.inputs[cond.value ? 1 : 2], pos, depth + 1);
      // The picked entry still adapts (dynamic) or stays (literal); a literal behind a Where cannot be rewritten.
      return picked.kind === 'literal' ? { kind: 'fixed', value: picked.value } : picked;
    }
    case 'ConstantOfShape': {
      // Every entry is the fill value, whatever the (runtime) length.
      const fill = constantNodeTensor(node);
      return { kind: 'fixed', value: fill ? Number(getElement(fill, 0)) : 0 };
    }
    case 'Reshape': {
      // A shape vector reshaped to 1-D keeps its entries in order.
      const rank = look.shape(node.inputs[0])?.length;
      if (rank === 1 && look.shape(name)?.length === 1) return traceShapeEntry(look, node.inputs[0], pos, depth + 1);
      return { kind: 'unknown', reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name}` };
    }
    case 'Slice': {
      // Slice(v, [start], [end], [0], [1]): entry pos is entry start + pos of v (torch's x.shape[:2]).
      const ints = (k: number) => {
        const e = node.inputs[k] ? traceShapeEntry(look, node.inputs[k], 0, depth + 1) : undefined;
        return e?.kind === 'literal' || e?.kind === 'fixed' ? e.value : undefined;
      };
      const start = ints(1),
        axes = node.inputs[3] ? ints(3) : 0,
        steps = node.inputs[4] ? ints(4) : 1;
      const len = pieceLength(look, node.inputs[0], look.index);
      if (start !== undefined && axes === 0 && steps === 1 && len !== undefined) {
        const from = Math.min(Math.max(start < 0 ? start + len : start, 0), len);
        return traceShapeEntry(look, node.inputs[0], from + pos, depth + 1);
      }
      return { kind: 'unknown', reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name}` };
    }
    default:
      return { kind: 'unknown', reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name}` };
  }
}

/** Round half to even, as ONNX Round does. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  return r > 0.5 || (r === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Entry `pos` of a shape vector, or entry 0 of a scalar or 1-element operand (broadcast). */
function entryAt(look: ShapeLookup, name: string, pos: number, depth: number): ShapeEntry {
  return traceShapeEntry(look, name, pieceLength(look, name, look.index) === 1 ? 0 : pos, depth + 1);
}

/** Both operands of a binary op at `pos`, when both are constant (stored or fixed). */
function operands(look: ShapeLookup, node: Node, pos: number, depth: number): [number, number] | undefined {
  const [a, b] = [0, 1].map((k) => entryAt(look, node.inputs[k], pos, depth));
  const value = (e: ShapeEntry) => (e.kind === 'literal' || e.kind === 'fixed' ? e.value : undefined);
  const [x, y] = [value(a), value(b)];
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}

/**
 * Writes `value` at entry `pos` of the shape vector read by `node.inputs[slot]`.
 * Nothing shared is edited in place: the literal becomes a fresh initializer, and
 * every node on the way (Concat, Unsqueeze...) that another consumer also reads
 * is cloned for this path first. Returns false when the entry is not a literal.
 */
export function rewriteShapeEntry(
  look: Omit<ShapeLookup, 'index'>,
  node: Node,
  slot: number,
  pos: number,
  value: number,
  opts: { onlyComputed?: boolean } = {},
): boolean {
  const graph = look.graph;
  if (opts.onlyComputed) {
    const e = traceShapeEntry({ ...look, index: indexGraph(graph) }, node.inputs[slot], pos);
    if (e.kind === 'literal') return true;
  }
  let consumer = node,
    at = slot,
    entry = pos;
  for (let depth = 0; depth < 16; depth++) {
    const index = indexGraph(graph);
    const name = consumer.inputs[at];
    const src = constantSource(graph, name, index);
    if (src) {
      const t = look.stored(src);
      if (!t || entry >= t.data.length) return false;
      const copy = cloneTensor(t);
      setElement(copy, entry, value);
      const fresh = freshName((n) => graph.initializers.has(n) || index.producer.has(n), `${name}__pruned`);
      graph.initializers.set(fresh, copy);
      consumer.inputs[at] = fresh;
      return true;
    }
    let producer = index.producer.get(name);
    if (!producer) return false;
    if ((index.consumers.get(name)?.length ?? 0) > 1) {
      // Un-share this step of the shape computation for our consumer only.
      const out = freshName((n) => graph.initializers.has(n) || index.producer.has(n), `${name}__pruned`);
      const names = new Set(graph.nodes.map((n) => n.name));
      const clone: Node = {
        ...producer,
        name: producer.name ? freshName((n) => names.has(n), `${producer.name}__pruned`) : '',
        inputs: [...producer.inputs],
        outputs: producer.outputs.map((o) => (o === name ? out : '')),
        attributes: [...producer.attributes],
      };
      graph.nodes.splice(graph.nodes.indexOf(producer) + 1, 0, clone);
      consumer.inputs[at] = out;
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
      const sub = traceShapeEntry({ ...look, index: indexGraph(graph) }, producer.inputs[k], entry);
      if (sub.kind !== 'literal' && sub.kind !== 'scaled') {
        // A computed 1-element piece (the size of some other value): the pruned size is static, write it.
        const fresh = freshName(
          (n) => graph.initializers.has(n) || index.producer.has(n),
          `${producer.inputs[k]}__pruned`,
        );
        graph.initializers.set(fresh, fromNumbers('int64', [1], [value]));
        producer.inputs[k] = fresh;
        return true;
      }
      consumer = producer;
      at = k;
    } else if (producer.opType === 'Mul') {
      const k = [0, 1].find((s) => constantSource(graph, producer!.inputs[s], index) !== undefined);
      if (k === undefined) return false;
      consumer = producer;
      at = k;
      entry = 0;
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
