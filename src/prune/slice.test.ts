import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, numel } from '../ir/tensor.js';
import type { DType, Tensor, TensorData } from '../ir/types.js';
import { keptIndices, takeAlong, zeroAlong } from './slice.js';

type Typed = Exclude<TensorData, string[]>;

/** Every element's bytes, so float NaN payloads and -0 compare exactly. */
const bytesOf = (t: Tensor) => {
  const d = t.data as Typed;
  return [...new Uint8Array(d.buffer, d.byteOffset, d.byteLength)];
};

/** The definition, one element's bytes at a time over flat indices (a float copy could change NaN payloads). */
function naiveTake(t: Tensor, axis: number, keep: readonly number[]): Tensor {
  const dim = t.dims[axis];
  const inner = numel(t.dims.slice(axis + 1));
  const outer = numel(t.dims.slice(0, axis));
  const src = t.data as Typed;
  const size = src.BYTES_PER_ELEMENT;
  const from = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  const out = allocate(t.dtype, outer * keep.length * inner) as Typed;
  const to = new Uint8Array(out.buffer);
  let w = 0;
  for (let o = 0; o < outer; o++)
    for (const k of keep)
      for (let r = 0; r < inner; r++, w++)
        to.set(from.subarray(((o * dim + k) * inner + r) * size, ((o * dim + k) * inner + r + 1) * size), w * size);
  const dims = [...t.dims];
  dims[axis] = keep.length;
  return { dtype: t.dtype, dims, data: out };
}

const DTYPES: DType[] = ['float32', 'float16', 'float64', 'int64', 'uint8', 'int32'];

/** A tensor of random bytes (NaN payloads included) with 1–4 dims of 1–70 (inner runs on both sides of 64 units). */
const tensorArb = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    dims: fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 3 }),
    seed: fc.integer(),
  })
  .filter(({ dims }) => numel(dims) <= 20_000)
  .map(({ dtype, dims, seed }) => {
    const data = allocate(dtype, numel(dims)) as Typed;
    const bytes = new Uint8Array(data.buffer);
    let x = seed | 1;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) | 0) >>> 24;
    return { dtype, dims, data } as Tensor;
  });

const caseArb = tensorArb.chain((t) =>
  fc.record({
    t: fc.constant(t),
    axis: fc.integer({ min: 0, max: t.dims.length - 1 }),
    picks: fc.array(fc.boolean(), { minLength: 70, maxLength: 70 }),
  }),
);

describe('takeAlong / zeroAlong', () => {
  it('takeAlong keeps exactly the kept positions, bit for bit, for every dtype width and run length', () => {
    fc.assert(
      fc.property(caseArb, ({ t, axis, picks }) => {
        const keep = [...Array(t.dims[axis]).keys()].filter((i) => picks[i]);
        if (keep.length === 0) return;
        const got = takeAlong(t, axis, keep);
        const want = naiveTake(t, axis, keep);
        expect(got.dims).toEqual(want.dims);
        expect(got.data.constructor).toBe(t.data.constructor);
        expect(bytesOf(got)).toEqual(bytesOf(want));
      }),
      { numRuns: 150 },
    );
  });

  it('zeroAlong zeroes exactly the removed positions and leaves its input unchanged', () => {
    fc.assert(
      fc.property(caseArb, ({ t, axis, picks }) => {
        const dim = t.dims[axis];
        const zero = [...Array(dim).keys()].filter((i) => picks[i]);
        const before = bytesOf(t);
        const got = zeroAlong(t, axis, zero);
        expect(bytesOf(t)).toEqual(before);
        // Kept positions are unchanged; removed positions are all-zero bytes.
        const keep = [...keptIndices(dim, zero)];
        if (keep.length) expect(bytesOf(takeAlong(got, axis, keep))).toEqual(bytesOf(takeAlong(t, axis, keep)));
        if (zero.length) expect(bytesOf(takeAlong(got, axis, zero)).every((b) => b === 0)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
