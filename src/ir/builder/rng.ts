/**
 * Seeded PRNG (mulberry32) for builder weights: the same seed and the same
 * sequence of builder calls give bit-identical weights, hence identical model bytes.
 */
import { mulberry32 } from '../../util/random.js';

export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}
