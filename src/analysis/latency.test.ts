import { describe, expect, it } from 'vitest';
import { embeddingModel, mlpModel } from '../runtime/tiny-models.test-helpers.js';
import { judgeLatency, latencyGate } from './latency-gate.js';
import type { LatencyMeasurement } from './latency.js';
import { feedsFromEvalSet, measureLatency } from './latency.js';
import { fromNumbers } from '../ir/tensor.js';
import { sampleStats } from './latency-stats.js';

function measured(batchSize: number, ratio: number, lo: number, hi: number): LatencyMeasurement {
  const s = sampleStats([1]);
  return { batchSize, dense: s, pruned: s, speedup: { ratio, lo, hi, level: 0.95 } };
}

describe('latency gate rule', () => {
  const ms = [measured(1, 1.02, 0.97, 1.06), measured(8, 1.4, 1.32, 1.5), measured(64, 2.1, 1.9, 2.3)];

  it('fails when the CI lies below the requirement and reports the offline-vs-production gap', () => {
    const r = judgeLatency(ms, {
      productionBatchSizes: [1],
      requiredSpeedup: 1.3,
      claimedSpeedup: 2,
      claimedAtBatch: 64,
    });
    expect(r.verdicts).toEqual([{ batchSize: 1, speedup: ms[0].speedup, verdict: 'fail' }]);
    expect(r.gap).toMatchObject({ claimedSpeedup: 2, claimedAtBatch: 64, claimReproduced: true });
    expect(r.gap!.offlineOverProduction[0].ratio).toBeCloseTo(2.1 / 1.02);
    expect(r.findings).toEqual([
      expect.objectContaining({
        invariant: 'latency-at-production-batch',
        failureMode: 'hardware-headroom',
        where: 'batch 1',
      }),
    ]);
    expect(r.findings[0].message).toBe(
      "at production batch 1 the pruned model's speedup is 1.02× [0.97, 1.06] (95% CI), below the required 1.30×; " +
        'claimed 2.00× at batch 64, measured there 2.10× [1.90, 2.30]',
    );
  });

  it('passes when the CI clears the requirement; inconclusive fails only when strict', () => {
    expect(judgeLatency(ms, { productionBatchSizes: [8], requiredSpeedup: 1.3 }).findings).toEqual([]);
    const loose = judgeLatency(ms, { productionBatchSizes: [1], requiredSpeedup: 1.0 });
    expect(loose.verdicts[0].verdict).toBe('inconclusive');
    expect(loose.findings).toEqual([]);
    const strict = judgeLatency(ms, { productionBatchSizes: [1], requiredSpeedup: 1.0, strict: true });
    expect(strict.findings[0].message).toContain('not shown to reach the required 1.00×');
    expect(
      judgeLatency(ms, { productionBatchSizes: [8], requiredSpeedup: 1, claimedSpeedup: 3, claimedAtBatch: 64 }).gap!
        .claimReproduced,
    ).toBe(false);
  });

  it('refuses to judge a batch size that was not measured', () => {
    expect(() => judgeLatency(ms, { productionBatchSizes: [2], requiredSpeedup: 1 })).toThrow(
      'no latency measurement at batch size 2 (measured: 1, 8, 64)',
    );
  });
});

describe('latency measurement (structure only, never timing thresholds)', () => {
  it('measures both models at production and claimed batch sizes with recorded settings', async () => {
    const r = await latencyGate({
      dense: mlpModel(4, 32, 3),
      pruned: mlpModel(4, 8, 3),
      productionBatchSizes: [1],
      claimedSpeedup: 2,
      claimedAtBatch: 16,
      requiredSpeedup: 1,
      warmup: 1,
      rounds: 6,
    });
    expect(r.measurements.map((m) => m.batchSize)).toEqual([1, 16]);
    for (const m of r.measurements) {
      expect(m.dense.samples).toHaveLength(6);
      expect(m.pruned.samples).toHaveLength(6);
      expect(m.dense.median).toBeGreaterThan(0);
      expect(m.speedup.lo).toBeLessThanOrEqual(m.speedup.hi);
    }
    expect(r.settings).toMatchObject({
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      rounds: 6,
      warmup: 1,
      order: 'random',
      seed: 1,
    });
    expect(r.settings.onnxruntime).toMatch(/^\d+\.\d+/);
    expect(r.verdicts).toHaveLength(1);
    expect(r.gap?.claimedAtBatch).toBe(16);
  });

  it('needs sizes for symbolic non-batch dims', async () => {
    await expect(measureLatency(embeddingModel(), embeddingModel(), { rounds: 1, warmup: 0 })).rejects.toThrow(
      "input 'tokens' axis 1 is 'seq': give its size in dims",
    );
    const r = await measureLatency(embeddingModel(), embeddingModel(), {
      rounds: 2,
      warmup: 0,
      dims: { seq: 5 },
      order: 'alternate',
      batchSizes: [2],
    });
    expect(r.measurements[0].batchSize).toBe(2);
    await expect(measureLatency(mlpModel(), mlpModel(), { rounds: 0 })).rejects.toThrow(
      'rounds must be a positive integer',
    );
    const feeds = feedsFromEvalSet({ count: 2, inputs: { tokens: fromNumbers('int64', [2, 3], [1, 2, 3, 4, 5, 6]) } });
    expect(feeds(3).tokens).toMatchObject({ dims: [3, 3] });
    const cut = feedsFromEvalSet(
      {
        count: 2,
        inputs: { tokens: fromNumbers('int64', [2, 3], [1, 2, 3, 4, 5, 6]) },
        lengths: { tokens: Int32Array.from([3, 2]) },
      },
      2,
    );
    expect(cut(2).tokens).toMatchObject({ dims: [2, 2], data: BigInt64Array.from([1n, 2n, 4n, 5n]) });
    const fromData = await measureLatency(embeddingModel(), embeddingModel(), {
      rounds: 2,
      warmup: 0,
      feeds,
      batchSizes: [3],
    });
    expect(fromData.measurements[0].dense.samples).toHaveLength(2);
  });
});
