/** Shape-vector entries of Shape (runtime sizes) and of a 1-D Reshape of a shape vector (entries in order). */
import { attrInt } from '../../ir/attrs.js';
import { computedBy, type ShapeEntryRule } from '../shape-entry.js';

export const shapeEntry: ShapeEntryRule = (t, node, _name, pos) => {
  const rank = t.look.shape(node.inputs[0])?.length ?? 0;
  const start = attrInt(node, 'start', 0);
  return { kind: 'dynamic', from: { value: node.inputs[0], axis: pos + (start < 0 ? start + rank : start) } };
};

export const reshapeEntry: ShapeEntryRule = (t, node, name, pos) => {
  const rank = t.look.shape(node.inputs[0])?.length;
  if (rank === 1 && t.look.shape(name)?.length === 1) return t.trace(node.inputs[0], pos);
  return computedBy(node, name, pos);
};
