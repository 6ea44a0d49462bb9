/** Order statistics: the one median and quantile every measurement in pruneguard (and bench/) uses. */
import { PruneguardError } from '../errors.js';

/** Linear-interpolated quantile (numpy's default) of an already sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new PruneguardError('E_BAD_ARGUMENT', 'quantile of no samples');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** An ascending copy (Float64Array sorts numerically). */
export const sortedCopy = (xs: ArrayLike<number>): Float64Array => Float64Array.from(xs).sort();

/** The median (the mean of the middle two for an even count); throws on no samples. */
export function median(xs: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(xs), 0.5);
}
