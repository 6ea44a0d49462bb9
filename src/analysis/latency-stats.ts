/**
 * Robust statistics for latency samples: medians, spread (IQR, MAD) and a
 * seeded bootstrap confidence interval of the ratio of medians (the speedup).
 * Medians, because timing noise is one-sided (preemption, page faults).
 */
import { mulberry32 } from '../util/random.js';
import { PruneguardError } from '../errors.js';
import { median, quantileSorted, sortedCopy } from '../util/stats.js';

export { median, quantileSorted } from '../util/stats.js';

export interface SampleStats {
  /** Raw samples, in measurement order (milliseconds). */
  samples: number[];
  median: number;
  /** Interquartile range (q75 − q25). */
  iqr: number;
  /** Median absolute deviation from the median (unscaled). */
  mad: number;
  min: number;
}

export function sampleStats(samples: readonly number[]): SampleStats {
  const s = sortedCopy(samples);
  const med = quantileSorted(s, 0.5);
  const dev = Float64Array.from(s, (x) => Math.abs(x - med)).sort();
  return {
    samples: [...samples],
    median: med,
    iqr: quantileSorted(s, 0.75) - quantileSorted(s, 0.25),
    mad: quantileSorted(dev, 0.5),
    min: s[0],
  };
}

export interface RatioInterval {
  /** median(numerator) / median(denominator) on the samples themselves. */
  ratio: number;
  lo: number;
  hi: number;
  level: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
  seed?: number;
}

/**
 * Percentile bootstrap CI of median(num)/median(den): both sample sets are
 * resampled independently with replacement (they are separate measurements).
 * @example ratioOfMediansCI(denseMs, prunedMs, { seed: 1 }) // speedup with a 95% CI
 */
export function ratioOfMediansCI(
  num: readonly number[],
  den: readonly number[],
  options: BootstrapOptions = {},
): RatioInterval {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (num.length === 0 || den.length === 0)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `bootstrap needs samples on both sides (got ${num.length} and ${den.length})`,
    );
  if (!(level > 0 && level < 1))
    throw new PruneguardError('E_BAD_ARGUMENT', `confidence level must be in (0, 1), got ${level}`);
  const rand = mulberry32(options.seed ?? 0x5eed);
  const a = new Float64Array(num.length);
  const b = new Float64Array(den.length);
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < a.length; i++) a[i] = num[Math.floor(rand() * num.length)];
    for (let i = 0; i < b.length; i++) b[i] = den[Math.floor(rand() * den.length)];
    ratios[r] = quantileSorted(a.sort(), 0.5) / quantileSorted(b.sort(), 0.5);
  }
  ratios.sort();
  const tail = (1 - level) / 2;
  return {
    ratio: median(num) / median(den),
    lo: quantileSorted(ratios, tail),
    hi: quantileSorted(ratios, 1 - tail),
    level,
  };
}
