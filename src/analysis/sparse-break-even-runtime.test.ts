import { describe, expect, it } from 'vitest';
import { sparseBreakEvenVsRuntime } from './sparse-break-even-runtime.js';

describe('sparse break-even against onnxruntime', () => {
  it('measures every sparsity with both kernels (timings are never asserted)', async () => {
    const r = await sparseBreakEvenVsRuntime({
      rows: 32,
      cols: 16,
      batch: 2,
      sparsities: [0.9, 0.5],
      repetitions: 3,
      warmup: 1,
    });
    expect(r.points.map((p) => p.sparsity)).toEqual([0.5, 0.9]);
    for (const p of r.points)
      expect(
        p.denseMs > 0 && p.sparseMs >= 0 && Number.isFinite(p.ratio),
        `a positive dense time, a sparse time and a finite ratio: ${JSON.stringify(p)}`,
      ).toBe(true);
    expect(r.dense).toBe('onnxruntime');
  });

  it('rejects bad shapes and sparsities', async () => {
    await expect(sparseBreakEvenVsRuntime({ rows: 0, cols: 4, batch: 1, sparsities: [0.5] })).rejects.toThrowError(
      /rows must be a positive integer/,
    );
    await expect(sparseBreakEvenVsRuntime({ rows: 4, cols: 4, batch: 1, sparsities: [1] })).rejects.toThrowError(
      /sparsities/,
    );
  });
});
