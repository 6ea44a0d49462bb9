/** Parameter count: elements of floating-point stored constants (initializers and Constant nodes). */
import { constantNodeValue } from '../ir/constants.js';
import { isFloating, numel } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';

export function countParams(model: Model): number {
  let n = 0;
  for (const t of model.graph.initializers.values()) if (isFloating(t.dtype)) n += numel(t.dims);
  for (const node of model.graph.nodes) {
    if (node.opType !== 'Constant' || node.domain !== '') continue;
    const t = constantNodeValue(node);
    if (t && isFloating(t.dtype)) n += numel(t.dims);
  }
  return n;
}
