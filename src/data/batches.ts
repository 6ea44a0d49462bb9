/**
 * Batching for evaluation. Examples are grouped by their lengths (one group
 * per distinct tuple of `<input>_lengths`), and each batch is cut to its
 * group's length, so a model never sees padding it was not trained on.
 */
import { allocate, numel } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import type { EvalSet } from './eval-set.js';

export interface PlannedBatch {
  /** Example indices, ascending within the group. */
  indices: Int32Array;
  /** Length along axis 1 for each length-cut input. */
  lengths: Record<string, number>;
}

/** Groups (first-seen order) split into batches of at most `batchSize`. */
export function planBatches(set: Pick<EvalSet, 'count' | 'lengths'>, batchSize: number): PlannedBatch[] {
  const cut = Object.entries(set.lengths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = new Map<string, number[]>();
  for (let i = 0; i < set.count; i++) {
    const key = cut.map(([, l]) => l[i]).join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const batches: PlannedBatch[] = [];
  for (const members of groups.values()) {
    const lengths = Object.fromEntries(cut.map(([name, l]) => [name, l[members[0]]]));
    for (let s = 0; s < members.length; s += batchSize) {
      batches.push({ indices: Int32Array.from(members.slice(s, s + batchSize)), lengths });
    }
  }
  return batches;
}

/**
 * Rows `indices` of `t` (axis 0); with `seqLen`, each row cut to its first
 * `seqLen` positions on axis 1 (a C-order row prefix, so one copy per row).
 */
export function gatherRows(t: Tensor, indices: ArrayLike<number>, seqLen?: number): Tensor {
  const rowSize = numel(t.dims.slice(1));
  const dims = [indices.length, ...t.dims.slice(1)];
  if (seqLen !== undefined) dims[1] = seqLen;
  const keep = numel(dims.slice(1));
  const data = allocate(t.dtype, indices.length * keep);
  if (Array.isArray(data)) {
    const src = t.data as string[];
    for (let r = 0; r < indices.length; r++)
      for (let k = 0; k < keep; k++) data[r * keep + k] = src[indices[r] * rowSize + k];
  } else {
    // Same constructor on both sides (allocate mirrors the dtype), so set() copies element-wise.
    const src = t.data as Float32Array;
    const dst = data as Float32Array;
    for (let r = 0; r < indices.length; r++)
      dst.set(src.subarray(indices[r] * rowSize, indices[r] * rowSize + keep), r * keep);
  }
  return { dtype: t.dtype, dims, data };
}
