/**
 * Pruning, then quantization with stale calibration. The seed's compounding
 * takeaway: pruning shifts activation distributions; quantizing the pruned
 * model with the dense model's calibration ranges (the pipeline reused its
 * cached statistics) encodes ranges that no longer fit. Here: the digits CNN
 * with half of conv2's channels removed, quantized to int8 QDQ once with the
 * dense model's calibration (stale) and once recalibrated on the pruned model
 * (fresh). The metric impact of both is measured and reported.
 */
import { computeMetrics } from '../src/analysis/metrics.js';
import { feedsFromEvalSet } from '../src/analysis/latency.js';
import { calibrate } from '../src/analysis/quantize/calibrate.js';
import { modelDigest } from '../src/analysis/quantize/digest.js';
import { calibrationFreshness } from '../src/analysis/quantize/freshness.js';
import { quantizationSites, quantizeQdq } from '../src/analysis/quantize/qdq.js';
import type { Model } from '../src/ir/types.js';
import { prune } from '../src/prune/prune.js';
import type { Feeds } from '../src/runtime/run.js';
import type { Plan } from '../src/prune/plan.js';
import { defineScenario, type MakeContext } from '../src/scenarios/define.js';

const plan: Plan = { channels: [{ group: 'conv2.weight#0', ratio: 0.5 }] };
// The pruned float model is what both variants quantize; `float` keeps it for the check.
const float = new WeakMap<Model, Model>();

function calibration(c: MakeContext): Feeds[] {
  return [feedsFromEvalSet(c.data!)(256)];
}

async function quantizeWith(
  c: MakeContext,
  calibrationModel: (pruned: Model) => Model,
): Promise<{ pruned: Model; plan: Plan }> {
  const pruned = prune(c.dense, plan).model;
  const source = calibrationModel(pruned);
  const cal = await calibrate(
    source,
    calibration(c),
    quantizationSites(pruned).map((s) => s.activation),
    modelDigest(source),
  );
  const quantized = quantizeQdq(pruned, cal);
  float.set(quantized, pruned);
  return { pruned: quantized, plan };
}

export default defineScenario({
  id: 'stale-calibration-after-pruning',
  title: 'Quantizing a pruned model with the dense model’s calibration',
  incident: {
    source: 'Seed takeaway: combining pruning with quantization (production-pruning-failure-modes)',
    date: '2023',
    summary:
      'Pruning shifts activation distributions; quantizing those shifted distributions without recalibration compounds errors (3–7% accuracy loss reported).',
  },
  failureMode: 'quantization-compounding',
  model: 'fixtures/models/digits_cnn_op17.onnx',
  data: { file: 'fixtures/data/digits_eval.npz' },
  variants: {
    faulty: {
      summary: 'conv2 pruned 50%, then int8 QDQ with the dense model’s calibration ranges',
      make: (c) => quantizeWith(c, () => c.dense),
    },
    fixed: {
      summary: 'conv2 pruned 50%, then int8 QDQ recalibrated on the pruned model',
      make: (c) => quantizeWith(c, (pruned) => pruned),
    },
  },
  mustCatch: ['calibration-freshness'],
  async check(c) {
    const pruned = float.get(c.pruned)!;
    const fresh = await calibrationFreshness(pruned, c.pruned, calibration(c));
    const worst = Math.min(...fresh.tensors.map((t) => t.utilisation));
    c.record('freshness.worstUtilisation', worst, { abs: 0.15 });
    c.record('freshness.maxClipped', Math.max(...fresh.tensors.map((t) => t.clipped)));
    // The metric impact: accuracy of the quantized model vs the pruned float model it came from.
    const dense = await c.denseResult();
    const [qr, fr] = [await c.evaluate(c.pruned), await c.evaluate(pruned)];
    c.record('accuracy.denseFloat', computeMetrics(dense).accuracy! * 100);
    c.record('accuracy.prunedFloat', computeMetrics(fr).accuracy! * 100);
    c.record('accuracy.quantized', computeMetrics(qr).accuracy! * 100, { abs: 2 });
    c.record('agreement.quantizedVsPrunedFloat', computeMetrics(qr, fr).agreement! * 100);
    return fresh.findings;
  },
});
