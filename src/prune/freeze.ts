/**
 * Shape entries computed at run time from a pruned value. Exporters write
 * `view(B, T, H, C // H)` with C read from the hidden tensor's runtime shape:
 * pruning the hidden channels then silently changes the head size. After
 * pruning, every static target entry whose computation reads the Shape of a
 * changed value is frozen to its dense literal (it was static, so this is exact).
 */
import { PruneguardError } from '../errors.js';
import type { GraphIndex } from '../ir/graph-index.js';
import type { Dim, Model, Node } from '../ir/types.js';
import type { Changes } from './changes.js';
import { rewriteShapeEntry, type LiveIndex, type ShapeLookup } from './shape-entry.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';

const SHAPE_INPUT: Record<string, number> = { Reshape: 1, Expand: 1 };

/** True when the value `name` is computed (transitively) from the Shape/Size of a changed value. */
function readsChangedShape(name: string, index: GraphIndex, changes: Changes, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const p = index.producer.get(name);
  if (!p) return false;
  if (p.opType === 'Shape' || p.opType === 'Size') return changes.has(p.inputs[0]);
  return p.inputs.some((i) => i && readsChangedShape(i, index, changes, seen));
}

export function freezeShapeEntries(
  model: Model,
  index: GraphIndex,
  changes: Changes,
  look: Omit<ShapeLookup, 'index'> & { index?: LiveIndex },
  denseShape: (name: string) => Dim[] | undefined,
): void {
  // Static shapes of the pruned graph, inferred only if an entry cannot be frozen: an entry read
  // from an *unchanged* axis of a pruned tensor (GroupNorm's Reshape(y, Shape(x)) back to [N,C,H,W]
  // keeps H and W) needs no freezing, which the pruned graph's own shapes show.
  let pruned: ShapeResult | undefined;
  const unaffected = (node: Node, axis: number, d: number) =>
    (pruned ??= inferShapes(model)).values.get(node.outputs[0])?.shape?.[axis] === d;
  const nodes: Node[] = model.graph.nodes.filter((n) => n.domain === '' && n.opType in SHAPE_INPUT);
  for (const node of nodes) {
    const slot = SHAPE_INPUT[node.opType];
    if (!node.inputs[slot] || !readsChangedShape(node.inputs[slot], index, changes)) continue;
    const out = denseShape(node.outputs[0]);
    if (!out)
      throw new PruneguardError(
        'E_PRUNE_BLOCKED',
        `${node.opType} ${node.name}: its target is computed from a pruned tensor and its shape is unknown`,
      );
    const changed = changes.get(node.outputs[0]) ?? new Map();
    const offset =
      node.opType === 'Expand' ? out.length - ((look.shape(node.inputs[slot])?.[0] as number) ?? out.length) : 0;
    for (let axis = offset; axis < out.length; axis++) {
      const d = out[axis];
      if (typeof d !== 'number' || changed.has(axis)) continue;
      if (node.opType === 'Expand' && d === 1) continue;
      // Literal entries are untouched by pruning; computed ones become the dense literal.
      if (
        !rewriteShapeEntry(look, node, slot, axis - offset, d, { onlyComputed: true }) &&
        !unaffected(node, axis, d)
      ) {
        throw new PruneguardError(
          'E_PRUNE_BLOCKED',
          `${node.opType} ${node.name}: target entry ${axis} is computed from a pruned tensor and cannot be frozen`,
        );
      }
    }
  }
}
