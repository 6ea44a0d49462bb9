/** Shape-vector entries of Gather(Shape(x), i): the runtime size of x's axis i (adapts by itself). */
import { attrInt } from '../../ir/attrs.js';
import { constantSource, resolveAlias } from '../../ir/constants.js';
import { getElement } from '../../ir/tensor.js';
import type { ShapeEntryRule } from '../shape-entry.js';

export const gatherEntry: ShapeEntryRule = (t, node, name, pos) => {
  const look = t.look;
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
};
