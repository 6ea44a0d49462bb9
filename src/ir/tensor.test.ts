/** 64-bit elements written from JS numbers saturate instead of wrapping. */
import { expect, it } from 'vitest';
import { fromNumbers, getElement } from './tensor.js';

it('writes INT64_MAX read as a number (2^63) as INT64_MAX, not INT64_MIN', () => {
  const max = Number(2n ** 63n - 1n);
  const t = fromNumbers('int64', [3], [max, -max * 2, 7]);
  expect([...(t.data as BigInt64Array)]).toEqual([2n ** 63n - 1n, -(2n ** 63n), 7n]);
  expect(getElement(t, 0)).toBeGreaterThan(0);
  expect([...(fromNumbers('uint64', [2], [-1, 2 ** 70]).data as BigUint64Array)]).toEqual([0n, 2n ** 64n - 1n]);
});
