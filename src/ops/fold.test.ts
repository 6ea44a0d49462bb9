import { describe, expect, it } from 'vitest';
import { gatherAxes, sliceIndices, transposeValue } from './fold.js';

const v = (dims: number[], values: number[]) => ({ dtype: 'int64' as const, dims, values });

describe('folding small tensors', () => {
  it('slice indices follow the spec for any step sign, clamping out-of-range bounds', () => {
    expect(sliceIndices(4, 0, 9, 1)).toEqual([0, 1, 2, 3]);
    expect(sliceIndices(4, -1, -Number.MAX_SAFE_INTEGER, -1)).toEqual([3, 2, 1, 0]);
    expect(sliceIndices(5, 1, 5, 2)).toEqual([1, 3]);
    expect(sliceIndices(3, 2, 2, 1)).toEqual([]);
  });

  it("torch's F.pad helper: Reshape(-1, 2) → Slice(step -1 on axis 0) → Transpose gives ONNX pads", () => {
    // F.pad(x, (l, r, t, b)) = [1, 2, 3, 4] padded to 8 entries with zeros for N and C, reshaped [4, 2].
    const pairs = v([4, 2], [1, 2, 3, 4, 0, 0, 0, 0]);
    const reversed = gatherAxes(pairs, [sliceIndices(4, -1, -Number.MAX_SAFE_INTEGER, -1), [0, 1]]);
    expect(reversed).toEqual(v([4, 2], [0, 0, 0, 0, 3, 4, 1, 2]));
    expect(transposeValue(reversed, [1, 0])).toEqual(v([2, 4], [0, 0, 3, 1, 0, 0, 4, 2]));
  });
});
