/** Shape-vector entries of ConstantOfShape: every entry is the fill value, whatever the (runtime) length. */
import { getElement } from '../../ir/tensor.js';
import { constantNodeTensor } from '../../shape/constant-cache.js';
import type { ShapeEntryRule } from '../shape-entry.js';

export const constantOfShapeEntry: ShapeEntryRule = (_t, node) => {
  const fill = constantNodeTensor(node);
  return { kind: 'fixed', value: fill ? Number(getElement(fill, 0)) : 0 };
};
