/**
 * Channel importance: the L1 or L2 norm of everything a channel owns, summed over
 * every stored member of its group (the producer's filter, BN parameters and each
 * consumer's input slice count together), or seeded random scores.
 */
import { PruneguardError } from '../errors.js';
import { mulberry32 } from '../util/random.js';
import { numel, toFloat32 } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import type { Group } from './groups.js';
import type { Criterion } from './plan.js';

/**
 * Sum of |w| (p=1) or w² (p=2) per position along `axis`; NaN if any weight is NaN. One pass over
 * the weights in storage order, the last axis (a MatMul weight's columns) without a loop per
 * element: `--ratio` reads every weight of every prunable group this way.
 */
export function axisNorms(t: Tensor, axis: number, p: 1 | 2): Float64Array {
  const data =
    t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'bfloat16'
      ? toFloat32(t)
      : Float64Array.from(t.data as ArrayLike<number>, Number);
  const dim = t.dims[axis];
  const inner = numel(t.dims.slice(axis + 1));
  const out = new Float64Array(dim);
  if (inner === 1) lastAxisNorms(data, out, p);
  else blockNorms(data, out, inner, p);
  return out;
}

/** `out[k] += |data[o·dim + k]|^p` for every row o (the reduced axis is the last one). */
function lastAxisNorms(data: Float32Array | Float64Array, out: Float64Array, p: 1 | 2): void {
  const dim = out.length;
  for (let start = 0; start < data.length; start += dim) {
    if (p === 1) for (let k = 0; k < dim; k++) out[k] += Math.abs(data[start + k]);
    else
      for (let k = 0; k < dim; k++) {
        const v = data[start + k];
        out[k] += v * v;
      }
  }
}

/** `out[k] += Σ_r |data[(o·dim + k)·inner + r]|^p`: each position's block of `inner` contiguous weights. */
function blockNorms(data: Float32Array | Float64Array, out: Float64Array, inner: number, p: 1 | 2): void {
  const dim = out.length;
  for (let start = 0; start < data.length; start += dim * inner) {
    for (let k = 0; k < dim; k++) {
      let acc = 0;
      const from = start + k * inner;
      const to = from + inner;
      if (p === 1) for (let r = from; r < to; r++) acc += Math.abs(data[r]);
      else
        for (let r = from; r < to; r++) {
          const v = data[r];
          acc += v * v;
        }
      out[k] += acc;
    }
  }
}

/**
 * Scores per channel of the group (higher = more important). Throws a message
 * naming the tensor when a weight is NaN (importance is then undefined).
 */
export function channelScores(
  group: Group,
  criterion: Criterion,
  read: (tensor: string) => Tensor | undefined,
  seed = 0,
): Float64Array {
  const scores = new Float64Array(group.channels);
  if (criterion === 'random') {
    const r = mulberry32(seed);
    for (let c = 0; c < scores.length; c++) scores[c] = r();
    return scores;
  }
  const p = criterion === 'l1' ? 1 : 2;
  for (const m of group.members) {
    const t = read(m.tensor);
    if (!t || t.dtype === 'string' || t.dtype.startsWith('int') || t.dtype.startsWith('uint') || t.dtype === 'bool')
      continue;
    const norms = axisNorms(t, m.axis, p);
    for (let c = 0; c < scores.length; c++) for (const i of m.indices[c]) scores[c] += norms[i];
  }
  const bad = scores.findIndex((s) => Number.isNaN(s));
  if (bad >= 0) {
    const culprit = group.members.find((m) => {
      const t = read(m.tensor);
      return t && axisNorms(t, m.axis, 1).some(Number.isNaN);
    });
    throw new PruneguardError(
      'E_CORRUPT_MODEL',
      `weights of ${culprit?.tensor ?? group.id} contain NaN: importance is undefined`,
    );
  }
  if (p === 2) for (let c = 0; c < scores.length; c++) scores[c] = Math.sqrt(scores[c]);
  return scores;
}

/** The `k` lowest-scoring channels, ascending by index (ties: lower index first). */
export function lowest(scores: Float64Array, k: number): number[] {
  const order = [...scores.keys()].sort((a, b) => scores[a] - scores[b] || a - b);
  return order.slice(0, k).sort((a, b) => a - b);
}
