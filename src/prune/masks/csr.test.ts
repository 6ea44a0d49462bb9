import { describe, expect, it } from 'vitest';
import { sparseBreakEven, sparseMatrix } from '../../analysis/sparse-break-even.js';
import { csrMatmul, denseMatmul, toCsr } from './csr.js';

describe('CSR matmul', () => {
  for (const [rows, cols, batch, sparsity] of [
    [7, 5, 1, 0],
    [16, 12, 3, 0.5],
    [9, 33, 4, 0.95],
    [4, 4, 2, 1],
  ] as const) {
    it(`equals the dense matmul (${rows}x${cols}, batch ${batch}, sparsity ${sparsity})`, () => {
      const w = sparseMatrix(rows, cols, sparsity, rows);
      const x = sparseMatrix(cols, batch, 0, 99);
      const csr = toCsr(w, rows, cols);
      expect(csr.values.length).toBe(rows * cols - Math.round(sparsity * rows * cols));
      expect(csrMatmul(csr, x, batch)).toEqual(denseMatmul(w, rows, cols, x, batch));
    });
  }

  it('rejects mismatched sizes with the sizes in the message', () => {
    expect(() => toCsr(new Float32Array(5), 2, 3)).toThrow(/2x3 needs 6 values, got 5/);
    expect(() => csrMatmul(toCsr(new Float32Array(6), 2, 3), new Float32Array(4), 2)).toThrow(/X must be \[3, 2\]/);
  });
});

describe('sparseBreakEven', () => {
  it('returns one point per sparsity, sorted, with a consistent break-even (timings not asserted)', async () => {
    const r = await sparseBreakEven({
      rows: 16,
      cols: 16,
      batch: 2,
      sparsities: [0.9, 0.5],
      warmup: 1,
      repetitions: 3,
    });
    expect(r.points.map((p) => p.sparsity)).toEqual([0.5, 0.9]);
    for (const p of r.points) expect(p.denseMs).toBeGreaterThanOrEqual(0);
    if (r.breakEven !== null)
      expect(
        r.points.filter((p) => p.sparsity >= r.breakEven! && p.ratio >= 1),
        'points at or past the break-even where sparse loses',
      ).toEqual([]);
    await expect(sparseBreakEven({ rows: 4, cols: 4, batch: 1, sparsities: [1] })).rejects.toThrow(/\[0, 1\)/);
  });
});
