/** `pruneguard breakeven`: at which unstructured sparsity does a sparse kernel beat dense execution on this CPU? */
import { sparseBreakEven } from '../../analysis/sparse-break-even.js';
import { sparseBreakEvenVsRuntime } from '../../analysis/sparse-break-even-runtime.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';

export const breakeven = defineCommand({
  name: 'breakeven',
  usage: '[--rows N] [--cols N] [--batch B] [--sparsities 0.5,0.9,...] [--dense onnxruntime|typescript] [--json]',
  description: `For a [rows, cols] weight at batch size B, sweeps unstructured sparsity and times a
CSR sparse matmul against dense execution — by default onnxruntime's own MatMul
(one thread), the runtime that serves the model — interleaved per repetition,
medians compared. Prints the sparsity from which sparse wins (or that it never does).`,
  exitCodes: '0 measured, 2 bad input.',
  options: {
    rows: opt.integer('N', 'weight rows', { min: 1, max: 16384, default: 768 }),
    cols: opt.integer('N', 'weight columns', { min: 1, max: 16384, default: 768 }),
    batch: opt.integer('B', 'batch size', { min: 1, max: 16384, default: 1 }),
    sparsities: opt.ratios('S1,S2', 'sparsities to probe, each in [0,1)', [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99], {
      zero: true,
    }),
    dense: opt.choice(['onnxruntime', 'typescript'], 'the dense yardstick', 'onnxruntime'),
    json: opt.flag('print the measurements as JSON on stdout'),
  },
  async run({ values }, io) {
    const { rows, cols, batch, sparsities, dense } = values;
    const opts = { rows, cols, batch, sparsities };
    const r = dense === 'onnxruntime' ? await sparseBreakEvenVsRuntime(opts) : await sparseBreakEven(opts);
    if (values.json) {
      io.out(JSON.stringify({ ...opts, dense, ...r }, null, 2));
      return EXIT.ok;
    }
    io.out(`${opts.rows}x${opts.cols} weight, batch ${opts.batch}, dense = ${dense}`);
    for (const p of r.points)
      io.out(
        `  sparsity ${(p.sparsity * 100).toFixed(1).padStart(5)}%  dense ${p.denseMs.toFixed(3)} ms  ` +
          `CSR ${p.sparseMs.toFixed(3)} ms  sparse/dense ${p.ratio.toFixed(2)}`,
      );
    io.out(
      r.breakEven === null
        ? 'sparse never wins in the probed range'
        : `sparse wins from ${(r.breakEven * 100).toFixed(1)}% sparsity`,
    );
    return EXIT.ok;
  },
});
