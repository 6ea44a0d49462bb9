/** `pruneguard breakeven`: at which unstructured sparsity does a sparse kernel beat dense execution on this CPU? */
import { PruneguardError } from '../../errors.js';
import { sparseBreakEven } from '../../analysis/sparse-break-even.js';
import { sparseBreakEvenVsRuntime } from '../../analysis/sparse-break-even-runtime.js';
import { EXIT, type Command } from '../command.js';

function positive(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > 16384) throw new PruneguardError('E_BAD_ARGUMENT', `--${name} must be an integer in [1, 16384], got '${String(raw)}'`);
  return v;
}

function sparsities(raw: unknown): number[] {
  if (raw === undefined) return [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];
  const list = String(raw).split(',').map(Number);
  if (list.some((s) => !(s >= 0 && s < 1))) throw new PruneguardError('E_BAD_ARGUMENT', `--sparsities must be numbers in [0, 1), got '${String(raw)}'`);
  return list;
}

export const breakeven: Command = {
  name: 'breakeven',
  help: `Usage: pruneguard breakeven [--rows N] [--cols N] [--batch B] [--sparsities 0.5,0.9,...] [--dense onnxruntime|typescript] [--json]

For a [rows, cols] weight at batch size B, sweeps unstructured sparsity and times a
CSR sparse matmul against dense execution — by default onnxruntime's own MatMul
(one thread), the runtime that serves the model — interleaved per repetition,
medians compared. Prints the sparsity from which sparse wins (or that it never does).
Defaults: 768 x 768, batch 1.

Exit codes: 0 measured, 2 bad input.`,
  options: {
    rows: { type: 'string' }, cols: { type: 'string' }, batch: { type: 'string' },
    sparsities: { type: 'string' }, dense: { type: 'string' }, json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const opts = {
      rows: positive('rows', values.rows, 768), cols: positive('cols', values.cols, 768), batch: positive('batch', values.batch, 1),
      sparsities: sparsities(values.sparsities),
    };
    const dense = String(values.dense ?? 'onnxruntime');
    if (dense !== 'onnxruntime' && dense !== 'typescript') throw new PruneguardError('E_BAD_ARGUMENT', `--dense must be onnxruntime or typescript, got '${dense}'`);
    const r = dense === 'onnxruntime' ? await sparseBreakEvenVsRuntime(opts) : sparseBreakEven(opts);
    if (values.json) {
      io.out(JSON.stringify({ ...opts, dense, ...r }, null, 2));
      return EXIT.ok;
    }
    io.out(`${opts.rows}x${opts.cols} weight, batch ${opts.batch}, dense = ${dense}`);
    for (const p of r.points) io.out(`  sparsity ${(p.sparsity * 100).toFixed(1).padStart(5)}%  dense ${p.denseMs.toFixed(3)} ms  CSR ${p.sparseMs.toFixed(3)} ms  sparse/dense ${p.ratio.toFixed(2)}`);
    io.out(r.breakEven === null ? 'sparse never wins in the probed range' : `sparse wins from ${(r.breakEven * 100).toFixed(1)}% sparsity`);
    return EXIT.ok;
  },
};
