import { describe, expect, it } from 'vitest';
import { median, ratioOfMediansCI, sampleStats } from './latency-stats.js';
import { mulberry32 } from '../util/random.js';

/** Log-normal-ish samples around `center` with multiplicative noise `spread`. */
function samples(n: number, center: number, spread: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => center * Math.exp(spread * (r() + r() + r() - 1.5)));
}

describe('latency statistics', () => {
  it('computes median, IQR and MAD', () => {
    const s = sampleStats([5, 1, 4, 2, 3, 100]);
    expect(s.median).toBe(3.5);
    expect(s.iqr).toBeCloseTo(4.75 - 2.25);
    expect(s.mad).toBe(1.5);
    expect(s.min).toBe(1);
    expect(s.samples).toEqual([5, 1, 4, 2, 3, 100]);
    expect(median([2])).toBe(2);
  });

  it('bootstraps a CI that covers the true ratio and narrows with more samples', () => {
    const small = ratioOfMediansCI(samples(15, 10, 0.3, 1), samples(15, 5, 0.3, 2), { seed: 7 });
    const large = ratioOfMediansCI(samples(400, 10, 0.3, 3), samples(400, 5, 0.3, 4), { seed: 7 });
    for (const ci of [small, large]) {
      expect(ci.lo).toBeLessThanOrEqual(ci.ratio);
      expect(ci.hi).toBeGreaterThanOrEqual(ci.ratio);
      expect(ci.lo).toBeLessThan(2);
      expect(ci.hi).toBeGreaterThan(2);
    }
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
  });

  it('is deterministic for a seed and has level-dependent width', () => {
    const a = samples(30, 3, 0.2, 5),
      b = samples(30, 3, 0.2, 6);
    expect(ratioOfMediansCI(a, b, { seed: 1 })).toEqual(ratioOfMediansCI(a, b, { seed: 1 }));
    const c90 = ratioOfMediansCI(a, b, { seed: 1, level: 0.9 });
    const c99 = ratioOfMediansCI(a, b, { seed: 1, level: 0.99 });
    expect(c99.hi - c99.lo).toBeGreaterThan(c90.hi - c90.lo);
  });

  it('covers the truth in most repetitions (coverage check on 100 synthetic experiments)', () => {
    let covered = 0;
    for (let k = 0; k < 100; k++) {
      const ci = ratioOfMediansCI(samples(25, 8, 0.25, 100 + k), samples(25, 4, 0.25, 500 + k), {
        seed: k,
        resamples: 500,
      });
      if (ci.lo <= 2 && 2 <= ci.hi) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(85); // nominal 95%; percentile bootstrap of medians under-covers a little
  });

  it('refuses empty samples and bad levels', () => {
    expect(() => ratioOfMediansCI([], [1])).toThrow('bootstrap needs samples');
    expect(() => ratioOfMediansCI([1], [1], { level: 1 })).toThrow('confidence level');
  });
});
