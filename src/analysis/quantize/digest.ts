/** A content digest of a model's graph and weights: which model a calibration belongs to. */
import { createHash } from 'node:crypto';
import { tensorBytes } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';

/** A content hash of a model (graph and weights), recorded with a calibration to tell which model it was made on. */
export function modelDigest(model: Model): string {
  const h = createHash('sha256');
  for (const n of model.graph.nodes) h.update(`${n.opType}(${n.inputs.join(',')})->${n.outputs.join(',')};`);
  for (const [name, t] of [...model.graph.initializers].sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`${name}:${t.dtype}[${t.dims.join(',')}]`);
    h.update(tensorBytes(t.data));
  }
  return h.digest('hex').slice(0, 16);
}
