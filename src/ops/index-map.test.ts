/** Index maps: every kind, and its inverse pairs exactly the same elements. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachPair, invertMap, type IndexMap } from './index-map.js';

const pairs = (map: IndexMap, nFrom: number, nTo: number) => {
  const out: string[] = [];
  forEachPair(map, nFrom, nTo, (i, j) => out.push(`${i}-${j}`));
  return out;
};

describe('index maps', () => {
  it('digit: features [3·H·hd] meet the head digit of [3, H, hd]', () => {
    // 3 parts × 2 heads × 2 dims: feature e is in head floor(e / 2) mod 2.
    expect(pairs({ kind: 'digit', stride: 2, radix: 2 }, 12, 2)).toEqual([
      '0-0',
      '1-0',
      '2-1',
      '3-1',
      '4-0',
      '5-0',
      '6-1',
      '7-1',
      '8-0',
      '9-0',
      '10-1',
      '11-1',
    ]);
  });

  it('the inverse of every map pairs the same elements, seen from the other side', () => {
    const map: fc.Arbitrary<IndexMap> = fc.oneof(
      fc.constant<IndexMap>({ kind: 'identity' }),
      fc.integer({ min: -4, max: 4 }).map((offset): IndexMap => ({ kind: 'offset', offset })),
      fc.integer({ min: 1, max: 4 }).map((size): IndexMap => ({ kind: 'block', size })),
      fc.integer({ min: 1, max: 4 }).map((size): IndexMap => ({ kind: 'unblock', size })),
      fc.integer({ min: 1, max: 4 }).map((period): IndexMap => ({ kind: 'modulo', period })),
      fc.integer({ min: 1, max: 4 }).map((period): IndexMap => ({ kind: 'periodic', period })),
      fc.integer({ min: 1, max: 4 }).map((times): IndexMap => ({ kind: 'repeat', times })),
      fc
        .record({ stride: fc.integer({ min: 1, max: 4 }), radix: fc.integer({ min: 1, max: 4 }) })
        .map((d): IndexMap => ({ kind: 'digit', ...d })),
      fc
        .record({ stride: fc.integer({ min: 1, max: 4 }), radix: fc.integer({ min: 1, max: 4 }) })
        .map((d): IndexMap => ({ kind: 'undigit', ...d })),
    );
    fc.assert(
      fc.property(map, fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), (m, a, b) => {
        const forward = pairs(m, a, b).sort();
        const backward = pairs(invertMap(m), b, a)
          .map((p) => p.split('-').reverse().join('-'))
          .sort();
        expect(backward).toEqual(forward);
      }),
    );
  });
});
