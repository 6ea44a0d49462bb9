/** runCheck as an API: gates that the CLI incident tests do not reach (latency, quantization, injected profiles). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SensitivityProfile } from '../analysis/profile.js';
import { calibrate } from '../analysis/quantize/calibrate.js';
import { modelDigest } from '../analysis/quantize/digest.js';
import { quantizationSites, quantizeQdq } from '../analysis/quantize/qdq.js';
import type { EvalSet } from '../data/eval-set.js';
import { loadEvalSet } from '../data/load.js';
import type { Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { prune } from '../prune/prune.js';
import { runCheck } from './check.js';
import { calibrationBatches } from './gate-measured.js';
import { DIGITS, DIGITS_DATA, DIGITS_PLANS } from './incidents.test-helpers.js';
import { renderCheck } from './render.js';

let dense: Model;
let data: EvalSet;
let heavy: Model;
let aware: Model;
beforeAll(async () => {
  dense = loadModelFile(DIGITS);
  data = await loadEvalSet(DIGITS_DATA, { inputNames: ['input'] });
  heavy = prune(dense, DIGITS_PLANS.earlyHeavy).model;
  aware = prune(dense, DIGITS_PLANS.sensitivityAware).model;
});

describe('runCheck', () => {
  it('returns a verdict for every failure mode, and skips what has no input', async () => {
    const r = await runCheck({ dense, pruned: aware });
    expect(Object.fromEntries(Object.entries(r.verdicts).map(([m, v]) => [m, v.status]))).toEqual({
      'accuracy-cliff': 'skipped',
      'hardware-headroom': 'skipped',
      'slice-regression': 'skipped',
      'shape-mismatch': 'pass',
      'nm-nonconformance': 'skipped',
      'quantization-compounding': 'skipped',
    });
    expect(r).toMatchObject({ pass: true });
    expect(r.verdicts['slice-regression'].reason).toBe('slices: needs --data');
    expect(r.measurements.structuralSizes).toEqual([{ input: [1, 1, 8, 8] }, { input: [3, 1, 8, 8] }]);
  });

  it('uses a given profile instead of measuring one; findings carry their failure mode', async () => {
    const profile: SensitivityProfile = {
      metric: 'accuracy',
      entries: [
        { group: 'conv1.weight#0', sensitivity: 0, probeRatio: 0.2, params: 100, depth: 0.5, kind: 'linear' },
        { group: 'fc1.weight#0', sensitivity: 10, probeRatio: 0.2, params: 100, depth: 0.9, kind: 'linear' },
      ],
    };
    const r = await runCheck({ dense, pruned: aware, plan: DIGITS_PLANS.sensitivityAware, data, profile });
    expect(r.measurements.budget?.profile).toBe(profile);
    expect(r.verdicts['accuracy-cliff'].status).toBe('fail');
    expect(r.verdicts['accuracy-cliff'].findings.map((f) => [f.invariant, f.failureMode])).toEqual([
      ['monotone-sensitivity-budget', 'accuracy-cliff'],
    ]);
    expect(r.findings.filter((f) => !r.verdicts[f.failureMode].findings.includes(f))).toEqual([]);
  });

  it('latency: judged at production batch 1 against the required speedup', async () => {
    const latency = { repetitions: 5, warmup: 1 };
    const impossible = await runCheck({
      dense,
      pruned: aware,
      data,
      config: { latency: { ...latency, requiredSpeedup: 1000 } },
    });
    expect(impossible.verdicts['hardware-headroom'].status).toBe('fail');
    expect(impossible.verdicts['hardware-headroom'].findings[0].message).toMatch(
      /at production batch 1 .* below the required 1000\.00×/,
    );
    const trivial = await runCheck({
      dense,
      pruned: aware,
      data,
      config: { latency: { ...latency, requiredSpeedup: 0.001, claimedSpeedup: 2, claimedAtBatch: 8 } },
    });
    expect(trivial.verdicts['hardware-headroom'].status).toBe('pass');
    expect(trivial.measurements.latency?.measurements.map((m) => m.batchSize)).toEqual([1, 8]);
    expect(trivial.measurements.latency?.gap?.claimedAtBatch).toBe(8);
  });

  it('quantization: stale (dense) calibration of the pruned model is flagged, fresh calibration passes', async () => {
    const batches = calibrationBatches(data, 256, 64);
    const sites = quantizationSites(heavy).map((s) => s.activation);
    const stale = quantizeQdq(heavy, await calibrate(dense, batches, sites, modelDigest(dense)));
    const fresh = quantizeQdq(heavy, await calibrate(heavy, batches, sites, modelDigest(heavy)));
    const config = { structural: { dims: [2] } };
    const s = await runCheck({ dense, pruned: stale, floatModel: heavy, data, config });
    const f = await runCheck({ dense, pruned: fresh, floatModel: heavy, data, config });
    expect(s.verdicts['quantization-compounding'].status).toBe('fail');
    expect(s.verdicts['quantization-compounding'].findings[0].message).toMatch(/calibrated on a different model/);
    expect(f.verdicts['quantization-compounding'].status).toBe('pass');
    expect(f.measurements.quantization).toMatchObject({ provenanceMatches: true });
    const without = await runCheck({ dense, pruned: fresh, config });
    expect(without.verdicts['quantization-compounding']).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/set quantization\.floatModel/),
    });
    expect(without.verdicts['shape-mismatch'].status).toBe('pass');
  });

  it('renders one line per mode, then the findings and the slice table', async () => {
    const text = renderCheck(await runCheck({ dense, pruned: heavy, data }));
    expect(text.split('\n').filter((l) => /^(PASS|FAIL|SKIPPED) /.test(l))).toHaveLength(6);
    expect(text).toMatch(/^ {2}rare\s+n=\s+70 .* FAIL$/m);
    expect(text).toMatch(/check failed: accuracy-cliff, slice-regression$/);
  });
});
