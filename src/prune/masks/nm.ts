/**
 * N:M semi-structured masks (2:4 by default): in every group of M consecutive
 * elements along a weight's reduction axis at most N are non-zero. Applying
 * keeps the N largest |w| per group; checking reports every group that has
 * more than N non-zeros.
 */
import { PruneguardError } from '../../errors.js';
import { setConstant } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import { getElement, numel } from '../../ir/tensor.js';
import type { Model, Tensor } from '../../ir/types.js';
import { reductionAxis, resolveWeight } from './reduction-axis.js';
import { copyForMasking, countZeros, linesAlong, magnitudes, unravel, withZeros } from './weights.js';

export interface NmSpec {
  tensor: string;
  /** Non-zeros kept per group (default 2). */
  n?: number;
  /** Group size (default 4). */
  m?: number;
}

export interface NmReport {
  tensor: string;
  axis: number;
  consumer: string;
  n: number;
  m: number;
  numel: number;
  zerosBefore: number;
  zerosAfter: number;
  /** zerosAfter / numel. */
  sparsity: number;
}

export type NmViolation =
  | { kind: 'axis-length'; tensor: string; axis: number; length: number; m: number }
  /** `start` is the multi-index of the group's first element; the group runs along `axis`. */
  | { kind: 'group'; tensor: string; axis: number; start: number[]; nonZeros: number; n: number; m: number };

export function validateNm(tensor: string, n: number, m: number): void {
  if (!Number.isInteger(m) || m < 1 || !Number.isInteger(n) || n < 0 || n > m) {
    throw new PruneguardError('E_BAD_PLAN', `N:M for '${tensor}' needs integers 0 <= n <= m, m >= 1; got ${n}:${m}`);
  }
}

function requireMultiple(tensor: string, dims: readonly number[], axis: number, m: number): void {
  if (dims[axis] % m !== 0) {
    throw new PruneguardError(
      'E_BAD_PLAN',
      `'${tensor}' [${dims.join(',')}]: reduction axis ${axis} has length ${dims[axis]}, not a multiple of M=${m}`,
    );
  }
}

/** The N:M mask of one tensor along `axis`: 1 = zero this element. Ties keep the lower index. */
export function nmZeroMask(value: Tensor, name: string, axis: number, n: number, m: number): Uint8Array {
  const mag = magnitudes(value, name);
  const zero = new Uint8Array(mag.length);
  const lines = linesAlong(value.dims, axis);
  const stride = lines.stride;
  const ranked = new Int32Array(m);
  for (let l = 0; l < lines.count; l++) {
    const s = lines.start(l);
    for (let g = 0; g < lines.length; g += m) {
      const base = s + g * stride;
      // Largest first; stable on ties (lower index wins) so the mask is deterministic. An insertion
      // sort into one reused buffer: groups are a handful of elements and there is one per M weights.
      for (let k = 0; k < m; k++) {
        const v = mag[base + k * stride];
        let j = k;
        for (; j > 0 && mag[base + ranked[j - 1] * stride] < v; j--) ranked[j] = ranked[j - 1];
        ranked[j] = k;
      }
      for (let r = n; r < m; r++) zero[base + ranked[r] * stride] = 1;
    }
  }
  return zero;
}

/**
 * Applies N:M masks along each tensor's reduction axis, on a copy.
 * @throws PruneguardError E_BAD_PLAN (bad n:m, axis length not a multiple of M,
 *   NaN weight), E_UNKNOWN_TENSOR, E_PRUNE_BLOCKED (reduction axis unknown).
 * @example const { model: sparse, report } = applyNm(model, [{ tensor: 'fc.w' }]); // 2:4
 */
export function applyNm(model: Model, specs: readonly NmSpec[]): { model: Model; report: NmReport[] } {
  const out = copyForMasking(model);
  const report: NmReport[] = [];
  for (const spec of specs) {
    const n = spec.n ?? 2;
    const m = spec.m ?? 4;
    validateNm(spec.tensor, n, m);
    const index = indexGraph(out.graph);
    const { source, value } = resolveWeight(out, spec.tensor, index);
    const { axis, consumer } = reductionAxis(out, spec.tensor, index);
    requireMultiple(spec.tensor, value.dims, axis, m);
    const masked = withZeros(value, nmZeroMask(value, spec.tensor, axis, n, m));
    setConstant(out.graph, source, masked);
    const size = numel(value.dims);
    const zerosAfter = countZeros(masked);
    report.push({
      tensor: spec.tensor,
      axis,
      consumer: consumer.name,
      n,
      m,
      numel: size,
      zerosBefore: countZeros(value),
      zerosAfter,
      sparsity: size ? zerosAfter / size : 0,
    });
  }
  return { model: out, report };
}

/** Violations of N:M along `axis` of a tensor value (pure: no graph needed). */
export function nmViolations(value: Tensor, name: string, n: number, m: number, axis: number): NmViolation[] {
  validateNm(name, n, m);
  const lines = linesAlong(value.dims, axis);
  if (lines.length % m !== 0) return [{ kind: 'axis-length', tensor: name, axis, length: lines.length, m }];
  const found: NmViolation[] = [];
  for (let l = 0; l < lines.count; l++) {
    const s = lines.start(l);
    for (let g = 0; g < lines.length; g += m) {
      let nonZeros = 0;
      for (let k = 0; k < m; k++) if (getElement(value, s + (g + k) * lines.stride) !== 0) nonZeros++;
      if (nonZeros > n)
        found.push({
          kind: 'group',
          tensor: name,
          axis,
          start: unravel(value.dims, s + g * lines.stride),
          nonZeros,
          n,
          m,
        });
    }
  }
  return found;
}

/**
 * Checks N:M along the tensor's reduction axis (or an explicit `axis`).
 * Returns violations as data; an empty array means conformant.
 * @throws PruneguardError when the tensor is unknown or (without `axis`) its reduction axis is.
 */
export function checkNm(model: Model, tensor: string, n = 2, m = 4, axis?: number): NmViolation[] {
  const index = indexGraph(model.graph);
  const { value } = resolveWeight(model, tensor, index);
  return nmViolations(value, tensor, n, m, axis ?? reductionAxis(model, tensor, index).axis);
}
