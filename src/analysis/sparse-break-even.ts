/**
 * Sparse break-even probe: at which unstructured sparsity does a CSR matmul
 * start to beat the dense one on *this* CPU, at a given batch size? The seed
 * says > 90-95% on Intel/AMD CPUs; this measures instead of assuming.
 *
 * It times the plain-TypeScript kernels of src/prune/masks/csr.ts, not
 * onnxruntime (which has no sparse kernel, see kernel-families.ts): the result
 * shows the shape of the trade-off (and how it moves with batch size), not the
 * production runtime's number. Dense and sparse runs are interleaved per
 * repetition so drift hits both; medians are compared.
 *
 * Caveat, measured (256x256, batch 1 and 32, this 2-core machine): the plain-TS
 * CSR kernel wins from about 50% sparsity, far below the seed's 90-95%, because
 * the dense baseline here is a scalar JS loop, not a vectorised, cache-blocked
 * BLAS (MKL, onnxruntime's MLAS). So this probe must not be read as "sparse pays
 * at 50% on this CPU"; the number that gates a release is onnxruntime latency of
 * the masked vs the dense model (equal at any sparsity, since onnxruntime has no
 * sparse kernel) measured by src/runtime at production batch sizes.
 */
import { PruneguardError } from '../errors.js';
import { csrMatmul, denseMatmul, toCsr } from '../prune/masks/csr.js';
import { mulberry32 } from '../util/random.js';
import { median } from '../util/stats.js';

export interface BreakEvenOptions {
  rows: number;
  cols: number;
  batch: number;
  /** Sparsities to probe, each in [0, 1). */
  sparsities: readonly number[];
  warmup?: number;
  repetitions?: number;
  seed?: number;
}

export interface BreakEvenPoint {
  sparsity: number;
  denseMs: number;
  sparseMs: number;
  /** sparseMs / denseMs: below 1 the sparse kernel wins. */
  ratio: number;
}

export interface BreakEvenResult {
  points: BreakEvenPoint[];
  /** Lowest probed sparsity from which sparse wins at every higher probed sparsity; null if it never does. */
  breakEven: number | null;
}

/** A [rows, cols] matrix with exactly round(sparsity * size) zeros at seeded positions. */
export function sparseMatrix(rows: number, cols: number, sparsity: number, seed = 1): Float32Array {
  const next = mulberry32(seed);
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < w.length; i++) w[i] = next() * 2 - 1 || 0.5;
  const order = Array.from({ length: w.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let k = 0; k < Math.round(sparsity * w.length); k++) w[order[k]] = 0;
  return w;
}

/** A dense yardstick prepared for one weight: `run` does one dense product, `release` frees it. */
export interface DenseYardstick {
  run(): unknown;
  release?(): Promise<void>;
}

/**
 * The probe every yardstick shares: per sparsity (ascending), the dense run and the CSR
 * kernel interleaved per repetition so drift hits both, medians compared; the break-even
 * is the lowest probed sparsity from which sparse wins at every higher one.
 */
export async function probeBreakEven(
  options: BreakEvenOptions,
  defaults: { warmup: number; repetitions: number },
  dense: (w: Float32Array, x: Float32Array) => Promise<DenseYardstick> | DenseYardstick,
): Promise<BreakEvenResult> {
  const {
    rows,
    cols,
    batch,
    sparsities,
    warmup = defaults.warmup,
    repetitions = defaults.repetitions,
    seed = 1,
  } = options;
  for (const [k, v] of Object.entries({ rows, cols, batch, repetitions })) {
    if (!Number.isInteger(v) || v < 1)
      throw new PruneguardError('E_BAD_ARGUMENT', `sparse break-even: ${k} must be a positive integer, got ${v}`);
  }
  if (sparsities.length === 0 || sparsities.some((s) => !(s >= 0 && s < 1)))
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `sparse break-even: sparsities must be in [0, 1), got ${sparsities.join(', ')}`,
    );
  const x = sparseMatrix(cols, batch, 0, seed + 1);
  const out = new Float32Array(rows * batch);
  const points: BreakEvenPoint[] = [];
  for (const sparsity of [...sparsities].sort((a, b) => a - b)) {
    const w = sparseMatrix(rows, cols, sparsity, seed);
    const csr = toCsr(w, rows, cols);
    const yardstick = await dense(w, x);
    const denseTimes: number[] = [];
    const sparseTimes: number[] = [];
    for (let r = 0; r < warmup + repetitions; r++) {
      let t = performance.now();
      await yardstick.run();
      const d = performance.now() - t;
      t = performance.now();
      csrMatmul(csr, x, batch, out);
      const sp = performance.now() - t;
      if (r >= warmup) {
        denseTimes.push(d);
        sparseTimes.push(sp);
      }
    }
    await yardstick.release?.();
    const denseMs = median(denseTimes);
    const sparseMs = median(sparseTimes);
    points.push({ sparsity, denseMs, sparseMs, ratio: denseMs > 0 ? sparseMs / denseMs : Number.NaN });
  }
  let breakEven: number | null = null;
  for (let i = points.length - 1; i >= 0 && points[i].ratio < 1; i--) breakEven = points[i].sparsity;
  return { points, breakEven };
}

/**
 * Times dense (a scalar TypeScript loop) vs CSR matmul at each sparsity. Never call it from a
 * test that asserts on the timings: they belong to the machine it ran on.
 * @example await sparseBreakEven({ rows: 512, cols: 512, batch: 1, sparsities: [0.5, 0.8, 0.9, 0.95, 0.99] })
 */
export function sparseBreakEven(options: BreakEvenOptions): Promise<BreakEvenResult> {
  const { rows, cols, batch } = options;
  const out = new Float32Array(rows * batch);
  return probeBreakEven(options, { warmup: 2, repetitions: 7 }, (w, x) => ({
    run: () => denseMatmul(w, rows, cols, x, batch, out),
  }));
}
