/**
 * The sparse break-even probe against the production dense runtime: the CSR
 * kernel (plain TypeScript) vs onnxruntime's own dense MatMul (MLAS, one
 * thread) on the same [rows, cols] weight and batch, interleaved per repetition.
 * onnxruntime's CPU provider has no sparse kernel, so a sparse model can only
 * win with a kernel like this one; the sparsity at which it starts to win is
 * what "sparse is faster" claims must clear on this CPU (the seed: 90-95%).
 */
import type { Model } from '../ir/types.js';
import { run } from '../runtime/run.js';
import { createSession, releaseSession } from '../runtime/session.js';
import { type BreakEvenOptions, type BreakEvenResult, probeBreakEven } from './sparse-break-even.js';

function matmulModel(w: Float32Array, rows: number, cols: number, batch: number): Model {
  return {
    graph: {
      name: 'breakeven',
      nodes: [{ name: 'mm', opType: 'MatMul', domain: '', inputs: ['w', 'x'], outputs: ['y'], attributes: [] }],
      inputs: [{ name: 'x', dtype: 'float32', shape: [cols, batch] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [rows, batch] }],
      initializers: new Map([['w', { dtype: 'float32', dims: [rows, cols], data: w }]]),
      valueInfo: [],
    },
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'pruneguard',
    producerVersion: '',
    domain: '',
    modelVersion: 1,
    docString: '',
    metadata: [],
  };
}

/** The probe with onnxruntime's dense MatMul (one session per weight) as the yardstick. */
export async function sparseBreakEvenVsRuntime(
  options: BreakEvenOptions,
): Promise<BreakEvenResult & { dense: 'onnxruntime' }> {
  const { rows, cols, batch } = options;
  const result = await probeBreakEven(options, { warmup: 3, repetitions: 15 }, async (w, x) => {
    const session = await createSession(matmulModel(w, rows, cols, batch));
    const feeds = { x: { dtype: 'float32' as const, dims: [cols, batch], data: x } };
    return { run: () => run(session, feeds), release: () => releaseSession(session) };
  });
  return { ...result, dense: 'onnxruntime' };
}
