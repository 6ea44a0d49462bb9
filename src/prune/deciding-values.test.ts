import { describe, expect, it } from 'vitest';
import { describeFeeds } from '../runtime/reference-run.js';
import { createSession, releaseSession, run } from '../runtime/index.js';
import { decidingValues } from './deciding-values.js';
import { defaultFeeds } from './feeds.js';
import { chooseSizes } from './input-sizes.js';
import { lengthBranch, sampleRateBranches } from './testing/input-size-models.test-helpers.js';

describe('values that decide a branch', () => {
  it('are the constants a fed integer scalar is compared with, in every scope', () => {
    expect(decidingValues(sampleRateBranches())).toEqual(new Map([['rate', [16000, 8000]]]));
    expect(decidingValues(lengthBranch())).toEqual(new Map());
  });

  it('a feed series runs each branch, at sizes every branch accepts', async () => {
    const m = sampleRateBranches([16, 16, 4]);
    expect(chooseSizes(m)).toEqual({ sizes: { x: [2, 20], rate: [] }, everyBranch: true });
    const series = [0, 1, 2].map((k) => defaultFeeds(m, k + 1, 1, {}, k));
    const described = series.map(describeFeeds);
    expect(described.slice(0, 2)).toEqual(['x=[2,20] rate=16000', 'x=[2,20] rate=8000']);
    expect(described[2], 'past the deciding values: a random id').toMatch(/^x=\[2,20\] rate=\d$/);
    const s = await createSession(m);
    try {
      for (const feeds of series) expect((await run(s, feeds)).y.dims).toEqual([2, 1]);
    } finally {
      await releaseSession(s);
    }
  });

  it('random values where no size suits every branch (the deciding values could not run)', () => {
    const m = sampleRateBranches();
    expect(chooseSizes(m)).toEqual({ sizes: { x: [2, 5], rate: [] }, everyBranch: false });
    expect(describeFeeds(defaultFeeds(m, 1, 1, {}, 0))).not.toContain('16000');
  });
});
