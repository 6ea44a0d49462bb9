/**
 * Batch-1 CPU slowdown. The seed's BERT serving incident: 85% unstructured
 * pruning showed 2.5× in an offline benchmark at batch 64, but serving at
 * batch 1 on CPUs ran no faster (5% slower). Unstructured sparsity keeps dense
 * shapes, so onnxruntime's dense CPU kernels do the same work at every batch
 * size: the claim cannot hold on any CPU. Structured pruning of 75% of the
 * hidden units cuts the work ~4× and its gain holds at batch 1 everywhere.
 * Measured ratios go to the report; only verdicts go to the golden file.
 */
import { judgeLatency } from '../src/analysis/latency-gate.js';
import { measureLatency } from '../src/analysis/latency.js';
import { GraphBuilder } from '../src/ir/builder/index.js';
import { defineScenario } from '../src/scenarios/define.js';

/** A serving-sized MLP (512 → 1536 → 1536 → 8): large enough that batch-1 time is compute, not overhead. */
function servingMlp() {
  const b = new GraphBuilder({ seed: 7, opset: 17 });
  const x = b.input('features', 'float32', ['batch', 512]);
  b.output(b.gemm(b.relu(b.gemm(b.relu(b.gemm(x, 1536)), 1536)), 8), 'logits');
  return b.build();
}

const HIDDEN = ['gemm1.weight#0', 'gemm2.weight#0'];
const requirement = {
  productionBatchSizes: [1],
  requiredSpeedup: 1.5,
  claimedSpeedup: 2.5,
  claimedAtBatch: 64,
  strict: true,
};

export default defineScenario({
  id: 'batch1-cpu-slowdown',
  title: 'Batch-1 CPU slowdown: an offline speedup that production never sees',
  incident: {
    source: 'Google BERT serving (seed: production-pruning-failure-modes)',
    date: '2023',
    summary:
      '85% unstructured pruning showed 2.5× speedup offline at batch 64; ' +
      'production serving at batch 1 on CPUs ran 5% slower than dense.',
  },
  failureMode: 'hardware-headroom',
  model: servingMlp,
  variants: {
    faulty: {
      summary: '85% unstructured magnitude sparsity on every weight (dense shapes), 2.5× claimed at batch 64',
      plan: {
        unstructured: ['gemm1.weight', 'gemm2.weight', 'gemm3.weight'].map((tensor) => ({ tensor, sparsity: 0.85 })),
      },
    },
    fixed: {
      summary: '75% of the hidden units removed structurally (smaller matrices)',
      plan: { channels: HIDDEN.map((group) => ({ group, ratio: 0.75 })) },
    },
  },
  mustCatch: ['latency-at-production-batch'],
  async check(c) {
    // One measurement at 1, 8 and 64 (the plot), judged by the gate's own rule at the production batch.
    const { measurements } = await measureLatency(c.dense, c.pruned, { batchSizes: [1, 8, 64], warmup: 3, rounds: 20 });
    for (const m of measurements) c.record(`speedup.batch${m.batchSize}`, m.speedup.ratio);
    c.plot({
      kind: 'latency',
      title: `Latency vs batch size, dense vs ${c.variant} (onnxruntime CPU, 1 thread)`,
      x: 'batch size',
      y: 'ms per run (median)',
      series: [
        { name: 'dense', points: measurements.map((m) => ({ x: m.batchSize, y: m.dense.median })) },
        { name: `pruned (${c.variant})`, points: measurements.map((m) => ({ x: m.batchSize, y: m.pruned.median })) },
      ],
    });
    return judgeLatency(measurements, requirement).findings;
  },
});
