/**
 * Pruning, then quantization with stale calibration. The seed's compounding
 * takeaway: pruning shifts activation distributions; quantizing the pruned
 * model with the dense model's calibration ranges (the pipeline reused its
 * cached statistics) encodes ranges that no longer fit. Here: a digits MLP
 * whose fc2 was pruned to 10 of its 128 units and fine-tuned to recover (the
 * usual pipeline, scripts/make_stale_calibration_fixture.py); the few units
 * left carry what the removed ones did, so fc3's input range grows from ~11
 * to ~38. Quantized to int8 QDQ once with the dense model's calibration
 * (stale: fc3's input clips at the dense range) and once recalibrated on the
 * pruned model (fresh). Both accuracies are measured live and recorded, and
 * the cost of the stale ranges (fresh − stale, in points) with them.
 */
import { computeMetrics } from '../src/analysis/metrics.js';
import { feedsFromEvalSet } from '../src/analysis/latency.js';
import { calibrate } from '../src/analysis/quantize/calibrate.js';
import { modelDigest } from '../src/analysis/quantize/digest.js';
import { calibrationFreshness } from '../src/analysis/quantize/freshness.js';
import { quantizationSites, quantizeQdq } from '../src/analysis/quantize/qdq.js';
import type { Model } from '../src/ir/types.js';
import { loadModelFile } from '../src/onnx/load.js';
import type { Feeds } from '../src/runtime/run.js';
import type { EvalSet } from '../src/data/eval-set.js';
import { defineScenario, type MakeContext } from '../src/scenarios/define.js';

const PRUNED = 'fixtures/models/digits_mlp_pruned_finetuned_op17.onnx';
// The pruned float model is what both variants quantize; `float` keeps it for the check.
const float = new WeakMap<Model, Model>();

function calibration(data: EvalSet): Feeds[] {
  return [feedsFromEvalSet(data)(256)];
}

/** The pruned, fine-tuned model quantized with ranges calibrated on `source` (dense: stale; itself: fresh). */
async function quantized(pruned: Model, source: Model, data: EvalSet): Promise<Model> {
  const sites = quantizationSites(pruned).map((s) => s.activation);
  const cal = await calibrate(source, calibration(data), sites, modelDigest(source));
  const q = quantizeQdq(pruned, cal);
  float.set(q, pruned);
  return q;
}

async function make(c: MakeContext, stale: boolean): Promise<{ pruned: Model }> {
  const pruned = loadModelFile(c.resolve(PRUNED));
  // Both accuracies, once per run, so each variant's report shows what the stale ranges cost.
  await c.shared('both', async (r) => {
    const acc = async (source: Model) =>
      computeMetrics(await c.evaluate(await quantized(pruned, source, c.data!))).accuracy! * 100;
    const [staleAcc, freshAcc] = [await acc(c.dense), await acc(pruned)];
    r.record('accuracy.quantizedStale', staleAcc, { abs: 2 });
    r.record('accuracy.quantizedFresh', freshAcc, { abs: 2 });
    // ±1.5 points: the band stays inside the seed's 3–7 around the measured 4.9.
    r.record('accuracy.staleCostPoints', freshAcc - staleAcc, { abs: 1.5 });
  });
  return { pruned: await quantized(pruned, stale ? c.dense : pruned, c.data!) };
}

export default defineScenario({
  id: 'stale-calibration-after-pruning',
  title: 'Quantizing a pruned model with the dense model’s calibration',
  incident: {
    source: 'Seed takeaway: combining pruning with quantization (production-pruning-failure-modes)',
    date: '2023',
    summary:
      'Pruning shifts activation distributions; quantizing those shifted distributions without recalibration ' +
      'compounds errors (3–7% accuracy loss reported).',
  },
  failureMode: 'quantization-compounding',
  model: 'fixtures/models/digits_mlp_op17.onnx',
  data: { file: 'fixtures/data/digits_eval.npz' },
  variants: {
    faulty: {
      summary: 'fc2 pruned to 10/128 units and fine-tuned, then int8 QDQ with the dense model’s calibration ranges',
      make: (c) => make(c, true),
    },
    fixed: {
      summary: 'fc2 pruned to 10/128 units and fine-tuned, then int8 QDQ recalibrated on the pruned model',
      make: (c) => make(c, false),
    },
  },
  mustCatch: ['calibration-freshness'],
  async check(c) {
    const pruned = float.get(c.pruned)!;
    const fresh = await calibrationFreshness(pruned, c.pruned, calibration(c.data!));
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
