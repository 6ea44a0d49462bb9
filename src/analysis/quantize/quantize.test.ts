import { describe, expect, it } from 'vitest';
import { convModel, mlpModel } from '../../runtime/tiny-models.test-helpers.js';
import { randomInputs } from '../../runtime/random-inputs.js';
import { run } from '../../runtime/run.js';
import { createSession } from '../../runtime/session.js';
import { compareOutputs } from '../../runtime/compare.js';
import type { Feeds } from '../../runtime/run.js';
import type { Model } from '../../ir/types.js';
import { calibrate } from './calibrate.js';
import { modelDigest } from './digest.js';
import { calibrationFreshness } from './freshness.js';
import { activationParams, quantizationSites, quantizeQdq } from './qdq.js';

const batches = (model: Model, scale = 1): Feeds[] =>
  [1, 2, 3].map((seed) => {
    const feeds = randomInputs(model, { x: [4, 3, 8, 8] }, { seed, floatRange: [-scale, scale] });
    return feeds;
  });

async function quantized(model: Model, calibrationBatches: Feeds[], perChannel = true) {
  const sites = quantizationSites(model);
  const cal = await calibrate(
    model,
    calibrationBatches,
    sites.map((s) => s.activation),
    modelDigest(model),
  );
  return quantizeQdq(model, cal, { perChannel });
}

describe('QDQ quantization', () => {
  it('finds every Conv/Gemm/MatMul with a constant weight', () => {
    expect(quantizationSites(convModel()).map((s) => `${s.node.opType}:${s.activation}:${s.channelAxis}`)).toEqual([
      'Conv:x:0',
      'Conv:x:0',
      'Gemm:flat:0',
    ]);
    expect(quantizationSites(mlpModel()).map((s) => `${s.node.opType}:${s.channelAxis}`)).toEqual([
      'MatMul:1',
      'MatMul:1',
    ]);
  });

  it('uint8 parameters cover the range and zero exactly', () => {
    const p = activationParams({ min: -1, max: 3 });
    expect(p.scale).toBeCloseTo(4 / 255);
    expect(p.zeroPoint).toBe(64);
    expect(activationParams({ min: 0.5, max: 2 }).zeroPoint).toBe(0);
  });

  for (const perChannel of [true, false]) {
    it(`produces a model onnxruntime runs, close to float (perChannel=${perChannel})`, async () => {
      const model = convModel();
      const q = await quantized(model, batches(model), perChannel);
      expect(q.graph.nodes.filter((n) => n.opType === 'QuantizeLinear')).toHaveLength(2);
      const feeds = batches(model)[0];
      const [a, b] = await Promise.all([
        createSession(model).then((s) => run(s, feeds)),
        createSession(q).then((s) => run(s, feeds)),
      ]);
      const cmp = compareOutputs(b, a, { atol: 0.05, rtol: 0.05 });
      expect(cmp.outputs.logits.maxAbs).toBeGreaterThan(0);
      expect(cmp).toMatchObject({ pass: true });
    });
  }
});

describe('calibration-freshness', () => {
  it('passes a model calibrated on its own activations', async () => {
    const model = convModel();
    const q = await quantized(model, batches(model));
    const r = await calibrationFreshness(model, q, batches(model));
    expect(r.findings).toEqual([]);
    expect(r).toMatchObject({ provenanceMatches: true });
  });

  it('flags ranges that clip (calibrated on narrower activations) and ranges that waste levels (wider)', async () => {
    const model = convModel();
    const narrow = await calibrationFreshness(model, await quantized(model, batches(model, 0.3)), batches(model));
    expect(narrow.findings.length).toBeGreaterThan(0);
    expect(narrow.tensors.find((t) => t.tensor === 'x')!.clipped).toBeGreaterThan(0.1);
    const wide = await calibrationFreshness(model, await quantized(model, batches(model, 4)), batches(model));
    expect(wide.tensors.find((t) => t.tensor === 'x')!.utilisation).toBeLessThan(0.5);
    expect(wide.findings.map((f) => f.failureMode)).toContain('quantization-compounding');
  });

  it('reports a calibration recorded for a different model', async () => {
    const model = convModel();
    const other = convModel(3, 4, 5);
    other.graph.initializers.set('fc.b', {
      ...other.graph.initializers.get('fc.b')!,
      data: new Float32Array(5).fill(9),
    });
    const q = await quantized(model, batches(model));
    expect((await calibrationFreshness(other, q, batches(model))).provenanceMatches).toBe(false);
  });
});
