/** Elementwise comparison of outputs with numpy.allclose semantics: |a-b| <= atol + rtol*|b|. */
import { getElement } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import type { Outputs } from './run.js';

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export interface TensorComparison {
  pass: boolean;
  maxAbs: number;
  /** max |a-b| / |b| over elements where b != 0. */
  maxRel: number;
  /** Flat index of the element with the largest tolerance violation (or largest |a-b| when all pass); -1 if empty. */
  worstIndex: number;
  /** The same element as coordinates. */
  worstAt: number[];
  worst?: { a: number; b: number };
  /** Elements outside tolerance. */
  mismatches: number;
  /** Set when shapes or dtypes differ: nothing is compared then. */
  reason?: string;
}

export interface OutputsComparison {
  pass: boolean;
  outputs: Record<string, TensorComparison>;
  /** Output names present on one side only. */
  missing: string[];
}

export function compareTensors(a: Tensor, b: Tensor, tol: Tolerance = {}): TensorComparison {
  const atol = tol.atol ?? 1e-5;
  const rtol = tol.rtol ?? 1e-4;
  const empty = { maxAbs: Infinity, maxRel: Infinity, worstIndex: -1, worstAt: [], mismatches: 0 };
  if (a.dtype !== b.dtype) return { pass: false, ...empty, reason: `dtype ${a.dtype} vs ${b.dtype}` };
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) {
    return { pass: false, ...empty, reason: `shape [${a.dims.join(',')}] vs [${b.dims.join(',')}]` };
  }
  let maxAbs = 0,
    maxRel = 0,
    worstIndex = -1,
    worstExcess = -Infinity,
    mismatches = 0;
  const n = a.data.length;
  for (let i = 0; i < n; i++) {
    const x = getElement(a, i),
      y = getElement(b, i);
    if (Number.isNaN(x) && Number.isNaN(y)) continue; // same NaN in the same place: not a difference
    const diff = x === y ? 0 : Math.abs(x - y); // equal infinities give 0, not NaN
    const d = Number.isNaN(diff) ? Infinity : diff;
    const allowed = atol + rtol * Math.abs(y);
    if (d > maxAbs) maxAbs = d;
    if (y !== 0 && d / Math.abs(y) > maxRel) maxRel = d / Math.abs(y);
    if (d > allowed) mismatches++;
    const excess = d - allowed;
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
  }
  return {
    pass: mismatches === 0,
    maxAbs,
    maxRel,
    worstIndex,
    mismatches,
    worstAt: worstIndex < 0 ? [] : unravel(worstIndex, a.dims),
    ...(worstIndex < 0 ? {} : { worst: { a: getElement(a, worstIndex), b: getElement(b, worstIndex) } }),
  };
}

/**
 * Compares every output present in either record.
 * @example compareOutputs(await run(dense, feeds), await run(pruned, feeds), { atol: 1e-4 }).pass
 */
export function compareOutputs(a: Outputs, b: Outputs, tol: Tolerance = {}): OutputsComparison {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const missing = names.filter((n) => !(n in a) || !(n in b));
  const outputs: Record<string, TensorComparison> = {};
  for (const n of names) if (n in a && n in b) outputs[n] = compareTensors(a[n], b[n], tol);
  return { pass: missing.length === 0 && Object.values(outputs).every((c) => c.pass), outputs, missing };
}

function unravel(index: number, dims: readonly number[]): number[] {
  const at = new Array<number>(dims.length);
  for (let k = dims.length - 1; k >= 0; k--) {
    at[k] = index % dims[k];
    index = Math.floor(index / dims[k]);
  }
  return at;
}
