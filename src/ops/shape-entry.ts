/**
 * Where one entry of a shape vector (a Reshape target, an Expand shape) comes from: a literal stored
 * in a constant (rewritable in place), a runtime size read with Shape → Gather (adapts by itself), or
 * something we cannot follow. Exporters build these vectors with Concat(Unsqueeze(Gather(Shape(x), i)),
 * const...). Each op that can build a shape vector says how an entry of its output is made
 * (`OpDef.shapeEntry`); the walk over the graph is `prune/shape-entry.ts`.
 */
import { constantSource, type ConstantSource } from '../ir/constants.js';
import type { GraphIndex } from '../ir/graph-index.js';
import type { Dim, Graph, Node, Tensor } from '../ir/types.js';

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

/** What tracing reads about the graph. */
export interface ShapeLookup {
  graph: Graph;
  index: GraphIndex;
  shape(name: string): Dim[] | undefined;
  stored(src: ConstantSource): Tensor | undefined;
}

/** What an op's `shapeEntry` facet may ask while tracing one entry of its output. */
export interface EntryTracer {
  readonly look: ShapeLookup;
  /** Entry `pos` of the value `name` (one level deeper). */
  trace(name: string, pos: number): ShapeEntry;
  /** Length of a 1-D piece of a shape vector (a scalar counts 1), when known. */
  length(name: string): number | undefined;
}

/**
 * How entry `pos` of output `name` of `node` is made, from its inputs' entries. Absent: the op's
 * output entries are not followed (unknown, with the node named).
 */
export type ShapeEntryRule = (t: EntryTracer, node: Node, name: string, pos: number) => ShapeEntry;

/** Length of a 1-D piece of a shape vector (a scalar counts 1); stored pieces added by rewriting count too. */
export function pieceLength(look: Omit<ShapeLookup, 'index'>, name: string, index: GraphIndex): number | undefined {
  let s = look.shape(name);
  if (!s) {
    const src = constantSource(look.graph, name, index);
    s = src ? (look.stored(src)?.dims as Dim[] | undefined) : undefined;
  }
  if (!s) return undefined;
  if (s.length === 0) return 1;
  return typeof s[0] === 'number' ? s[0] : undefined;
}

/** The node computes the entry in a way tracing does not follow. */
export function computedBy(node: Node, name: string, pos: number): ShapeEntry {
  return { kind: 'unknown', reason: `entry ${pos} of ${name} is computed by ${node.opType} ${node.name}` };
}

/** The entry passes unchanged from input 0 (Unsqueeze, Squeeze, Cast, Identity). */
export const passEntry: ShapeEntryRule = (t, node, _name, pos) => t.trace(node.inputs[0], pos);

/** Entry `pos` of a shape vector, or entry 0 of a scalar or 1-element operand (broadcast). */
export function entryAt(t: EntryTracer, name: string, pos: number): ShapeEntry {
  return t.trace(name, t.length(name) === 1 ? 0 : pos);
}

/** A constant value of an entry (stored or fixed), or undefined. */
export function entryValue(e: ShapeEntry): number | undefined {
  return e.kind === 'literal' || e.kind === 'fixed' ? e.value : undefined;
}

/** Both operands of a binary op at `pos`, when both are constant (stored or fixed). */
export function operands(t: EntryTracer, node: Node, pos: number): [number, number] | undefined {
  const [x, y] = [0, 1].map((k) => entryValue(entryAt(t, node.inputs[k], pos)));
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}
