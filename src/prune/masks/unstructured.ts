/**
 * Unstructured magnitude masks: zero the smallest |w| until a sparsity is
 * reached, per tensor or with one global threshold over several tensors.
 * Shapes never change; only values become 0.
 */
import { PruneguardError } from '../../errors.js';
import { setConstant } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import type { Model } from '../../ir/types.js';
import { resolveWeight } from './reduction-axis.js';
import { copyForMasking, countZeros, magnitudes, withZeros } from './weights.js';
import { prunableWeights } from './prunable.js';

export type UnstructuredSpec =
  | { tensor: string; sparsity: number }
  /** One threshold over `tensors` (default: every prunable weight, see `prunableWeights`). */
  | { global: true; sparsity: number; tensors?: string[] };

export interface UnstructuredReport {
  tensor: string;
  /** 'tensor' for a per-tensor spec, 'global' when the threshold was shared. */
  scope: 'tensor' | 'global';
  requested: number;
  numel: number;
  zerosBefore: number;
  zerosAfter: number;
  /** zerosAfter / numel: the requested sparsity up to rounding (more if the tensor already had more zeros). */
  sparsity: number;
}

function validateSparsity(s: number, what: string): void {
  if (!(typeof s === 'number' && s >= 0 && s <= 1))
    throw new PruneguardError('E_BAD_PLAN', `sparsity for ${what} must be in [0, 1], got ${s}`);
}

/**
 * Applies magnitude masks on a copy; specs apply in order. Ties are broken by
 * position (tensor order in the spec, then element index: earlier zeroed
 * first), so equal inputs always give equal masks. Sparsity is reached exactly
 * up to rounding: round(sparsity * numel) elements are zero afterwards (plus
 * any that were already zero beyond that count).
 * @throws PruneguardError E_BAD_PLAN (sparsity outside [0,1], NaN weight, empty
 *   global set), E_UNKNOWN_TENSOR, E_UNSUPPORTED_DTYPE (non-floating weight).
 * @example applyUnstructured(model, [{ global: true, sparsity: 0.8 }])
 */
export function applyUnstructured(
  model: Model,
  specs: readonly UnstructuredSpec[],
): { model: Model; report: UnstructuredReport[] } {
  const out = copyForMasking(model);
  const report: UnstructuredReport[] = [];
  for (const spec of specs) {
    const global = 'global' in spec;
    const names = global ? (spec.tensors ?? prunableWeights(out)) : [spec.tensor];
    validateSparsity(spec.sparsity, global ? 'a global spec' : `'${names[0]}'`);
    if (names.length === 0)
      throw new PruneguardError(
        'E_BAD_PLAN',
        'global unstructured spec has no tensor to prune (no Conv/MatMul/Gemm weight found)',
      );
    if (new Set(names).size !== names.length)
      throw new PruneguardError('E_BAD_PLAN', `global unstructured spec lists a tensor twice: ${names.join(', ')}`);
    const index = indexGraph(out.graph);
    const weights = names.map((name) => ({ name, ...resolveWeight(out, name, index) }));
    const roots = new Set(weights.map((w) => w.root));
    if (roots.size !== weights.length)
      throw new PruneguardError(
        'E_BAD_PLAN',
        `global unstructured spec names one stored weight twice (through Identity aliases): ${names.join(', ')}`,
      );
    const mags = weights.map((w) => magnitudes(w.value, w.name));
    const total = mags.reduce((a, m) => a + m.length, 0);
    const k = Math.round(spec.sparsity * total);
    const zero = smallestK(mags, k);
    weights.forEach((w, t) => {
      const masked = withZeros(w.value, zero[t]);
      setConstant(out.graph, w.source, masked);
      const zerosAfter = countZeros(masked);
      const numel = masked.data.length;
      report.push({
        tensor: w.name,
        scope: global ? 'global' : 'tensor',
        requested: spec.sparsity,
        numel,
        zerosBefore: countZeros(w.value),
        zerosAfter,
        sparsity: numel ? zerosAfter / numel : 0,
      });
    });
  }
  return { model: out, report };
}

/**
 * Flags the k smallest magnitudes across `mags`; ties at the threshold go to
 * the earliest positions (tensor order, then index). Equivalent to a stable
 * sort by magnitude, but the only sort is a native Float64Array sort, so a
 * global mask over tens of millions of weights stays fast.
 */
function smallestK(mags: readonly Float64Array[], k: number): Uint8Array[] {
  const zero = mags.map((m) => new Uint8Array(m.length));
  if (k === 0) return zero;
  const all = new Float64Array(mags.reduce((a, m) => a + m.length, 0));
  let c = 0;
  for (const m of mags) {
    all.set(m, c);
    c += m.length;
  }
  const threshold = all.sort()[k - 1];
  let below = 0;
  for (const m of mags) for (let i = 0; i < m.length; i++) if (m[i] < threshold) below++;
  let ties = k - below;
  mags.forEach((m, t) => {
    for (let i = 0; i < m.length; i++) {
      if (m[i] < threshold) zero[t][i] = 1;
      else if (m[i] === threshold && ties > 0) {
        zero[t][i] = 1;
        ties--;
      }
    }
  });
  return zero;
}
