/** Shape-vector entries through Concat (pieces in order) and Slice (a window of a 1-D vector). */
import { computedBy, type ShapeEntryRule } from '../shape-entry.js';

export const concatEntry: ShapeEntryRule = (t, node, _name, pos) => {
  let at = pos;
  for (const input of node.inputs) {
    const len = t.length(input);
    if (len === undefined) return { kind: 'unknown', reason: `length of ${input} in the shape Concat is unknown` };
    if (at < len) {
      const r = t.trace(input, at);
      return len === 1 && (r.kind === 'dynamic' || r.kind === 'unknown') ? { ...r, piece: true } : r;
    }
    at -= len;
  }
  return { kind: 'unknown', reason: `shape Concat has no entry ${pos}` };
};

/** Slice(v, [start], [end], [0], [1]): entry pos is entry start + pos of v (torch's x.shape[:2]). */
export const sliceEntry: ShapeEntryRule = (t, node, name, pos) => {
  const ints = (k: number) => {
    const e = node.inputs[k] ? t.trace(node.inputs[k], 0) : undefined;
    return e?.kind === 'literal' || e?.kind === 'fixed' ? e.value : undefined;
  };
  const start = ints(1),
    axes = node.inputs[3] ? ints(3) : 0,
    steps = node.inputs[4] ? ints(4) : 1;
  const len = t.length(node.inputs[0]);
  if (start !== undefined && axes === 0 && steps === 1 && len !== undefined) {
    const from = Math.min(Math.max(start < 0 ? start + len : start, 0), len);
    return t.trace(node.inputs[0], from + pos);
  }
  return computedBy(node, name, pos);
};
