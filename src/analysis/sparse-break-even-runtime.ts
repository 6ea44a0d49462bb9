/**
 * The sparse break-even probe against the production dense runtime: the CSR
 * kernel (plain TypeScript) vs onnxruntime's own dense MatMul (MLAS, one
 * thread) on the same [rows, cols] weight and batch, interleaved per repetition.
 * onnxruntime's CPU provider has no sparse kernel, so a sparse model can only
 * win with a kernel like this one; the sparsity at which it starts to win is
 * what "sparse is faster" claims must clear on this CPU (the seed: 90-95%).
 */
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { csrMatmul, toCsr } from '../prune/masks/csr.js';
import { run } from '../runtime/run.js';
import { createSession, releaseSession } from '../runtime/session.js';
import type { BreakEvenOptions, BreakEvenPoint, BreakEvenResult } from './sparse-break-even.js';
import { sparseMatrix } from './sparse-break-even.js';
import { median } from './latency-stats.js';

function matmulModel(w: Float32Array, rows: number, cols: number, batch: number): Model {
  return {
    graph: {
      name: 'breakeven', nodes: [{ name: 'mm', opType: 'MatMul', domain: '', inputs: ['w', 'x'], outputs: ['y'], attributes: [] }],
      inputs: [{ name: 'x', dtype: 'float32', shape: [cols, batch] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [rows, batch] }],
      initializers: new Map([['w', { dtype: 'float32', dims: [rows, cols], data: w }]]), valueInfo: [], extra: {},
    },
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'pruneguard', producerVersion: '', domain: '', modelVersion: 1, docString: '', metadata: [], extra: {},
  };
}

export async function sparseBreakEvenVsRuntime(options: BreakEvenOptions): Promise<BreakEvenResult & { dense: 'onnxruntime' }> {
  const { rows, cols, batch, sparsities, warmup = 3, repetitions = 15, seed = 1 } = options;
  for (const [k, v] of Object.entries({ rows, cols, batch, repetitions })) {
    if (!Number.isInteger(v) || v < 1) throw new PruneguardError('E_BAD_ARGUMENT', `sparse break-even: ${k} must be a positive integer, got ${v}`);
  }
  if (sparsities.length === 0 || sparsities.some((s) => !(s >= 0 && s < 1))) throw new PruneguardError('E_BAD_ARGUMENT', `sparse break-even: sparsities must be in [0, 1), got ${sparsities.join(', ')}`);
  const x = sparseMatrix(cols, batch, 0, seed + 1);
  const feeds = { x: { dtype: 'float32' as const, dims: [cols, batch], data: x } };
  const out = new Float32Array(rows * batch);
  const points: BreakEvenPoint[] = [];
  for (const sparsity of [...sparsities].sort((a, b) => a - b)) {
    const w = sparseMatrix(rows, cols, sparsity, seed);
    const csr = toCsr(w, rows, cols);
    const session = await createSession(matmulModel(w, rows, cols, batch));
    const dense: number[] = [];
    const sparse: number[] = [];
    for (let r = 0; r < warmup + repetitions; r++) {
      let t = performance.now();
      await run(session, feeds);
      const d = performance.now() - t;
      t = performance.now();
      csrMatmul(csr, x, batch, out);
      const sp = performance.now() - t;
      if (r >= warmup) { dense.push(d); sparse.push(sp); }
    }
    await releaseSession(session);
    const denseMs = median(dense);
    const sparseMs = median(sparse);
    points.push({ sparsity, denseMs, sparseMs, ratio: sparseMs / denseMs });
  }
  let breakEven: number | null = null;
  for (let i = points.length - 1; i >= 0 && points[i].ratio < 1; i--) breakEven = points[i].sparsity;
  return { points, breakEven, dense: 'onnxruntime' };
}
