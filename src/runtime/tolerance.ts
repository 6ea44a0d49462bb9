/**
 * Tolerances derived from the precision an output is computed in and from its magnitude.
 *
 * Two models that compute the same function (a pruned model and its mask oracle) differ only by
 * rounding: the same sums with zero terms removed, other kernel blockings, values rounded to the
 * output's type at other places. Rounding errors are relative to the values involved and to the
 * machine epsilon ε of the coarsest float type the value passes through, so an element passes when
 *
 *     |a − b| ≤ atol + rtol·|b|,   atol = max(min(1e-4, 1e-3·scale), K·ε·scale),   rtol = max(1e-3, K·ε)
 *
 * where scale is the largest |b| of that output (its magnitude) and K = 16 units in the last place.
 * The floors (1e-4, 1e-3) are pruneguard's float32 tolerance of old, kept so a float32 output of
 * magnitude 0.1 to ~50 is judged exactly as before; above it, and for float16/bfloat16, the
 * epsilon term takes over (float16: rtol 1.6%, atol 1.6% of the output's largest magnitude).
 * Below magnitude 0.1 the absolute floor shrinks with the output (0.1% of its magnitude, still
 * ~8,000 float32 ulps): a fixed 1e-4 would pass any output of a model whose outputs are 1e-10
 * (random-initialised torchvision models are), wrong channels included.
 */
import type { DType } from '../ir/types.js';
import type { Tensor } from '../ir/types.js';
import { getElement } from '../ir/tensor.js';
import type { Tolerance } from './compare.js';

export type FloatDType = 'float64' | 'float32' | 'float16' | 'bfloat16';

/** Machine epsilon (distance from 1 to the next representable value). */
export const EPSILON: Record<FloatDType, number> = {
  float64: 2 ** -52,
  float32: 2 ** -23,
  float16: 2 ** -10,
  bfloat16: 2 ** -7,
};

/** Units in the last place of the output's magnitude that rounding may account for. */
export const ULPS = 16;

/** The float32 tolerance pruneguard always used: the floor of every derived tolerance. */
export const TOLERANCE_FLOOR = { atol: 1e-4, rtol: 1e-3 } as const;

export function isFloatDType(d: DType | undefined): d is FloatDType {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

/** The coarser of two float types (the one with the larger epsilon). */
export function coarser(a: FloatDType | undefined, b: FloatDType | undefined): FloatDType | undefined {
  if (!a) return b;
  if (!b) return a;
  return EPSILON[a] >= EPSILON[b] ? a : b;
}

/** Largest finite |x| of a tensor (0 for an empty or all non-finite one). */
export function magnitude(t: Tensor): number {
  let m = 0;
  for (let i = 0; i < t.data.length; i++) {
    const v = Math.abs(getElement(t, i));
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m;
}

/**
 * The tolerance for an output computed at `precision` whose largest magnitude is `scale`.
 * @example derivedTolerance('float16', 4) // { atol: 0.0625, rtol: 0.015625 }
 */
export function derivedTolerance(precision: FloatDType, scale: number): Required<Tolerance> {
  const eps = EPSILON[precision];
  const floor = Math.min(TOLERANCE_FLOOR.atol, TOLERANCE_FLOOR.rtol * scale);
  return { atol: Math.max(floor, ULPS * eps * scale), rtol: Math.max(TOLERANCE_FLOOR.rtol, ULPS * eps) };
}
