import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, type CheckConfig } from './config.js';
import { configIssues, loadConfigFile, validateConfig } from './config-schema.js';
import { tempDir } from './incidents.test-helpers.js';

const full: CheckConfig = {
  version: 1,
  metric: 'accuracy',
  batchSize: 32,
  defaultThreshold: { maxDrop: 2 },
  aggregate: { maxDrop: 1 },
  slices: [
    { name: 'rare', maxDrop: 3 },
    { name: 'long', lengths: [48, 64], input: 'input_ids' },
    { name: 'eights', labels: [8], minMetric: 60 },
  ],
  latency: {
    productionBatchSizes: [1, 4],
    requiredSpeedup: 1.2,
    claimedSpeedup: 2,
    claimedAtBatch: 64,
    repetitions: 20,
    warmup: 3,
    strict: false,
    sequenceLength: 32,
    dims: { seq: 64 },
  },
  budget: {
    caps: { earlyConv: 0.25, byGroup: { 'fc1.weight#0': 0.8 } },
    target: 0.3,
    sensitivityTolerance: 0.5,
    ratioTolerance: 0.02,
    probeRatio: 0.2,
  },
  quantization: { floatModel: 'pruned_float.onnx', maxClipped: 0.001, minUtilisation: 0.7, calibrationExamples: 128 },
  structural: { dims: [1, 3], sizes: [{ input: [2, 1, 8, 8] }], vocab: 48, atol: 1e-4, rtol: 1e-3 },
};

describe('pruneguard.config.json', () => {
  it('accepts every documented field, and the empty config', () => {
    expect(configIssues(full)).toEqual([]);
    expect(configIssues({})).toEqual([]);
  });

  it('reports every problem at once, with paths', () => {
    const issues = configIssues({
      metric: 'f1',
      batchSize: 0,
      colour: 'red',
      slices: [{ name: 'all' }, { name: 'x', lengths: [9, 3] }, { name: 'x', labels: [-1], maxDrop: -2 }, 7],
      latency: { productionBatchSizes: [], claimedSpeedup: 2, requiredSpeedup: 0 },
      budget: { caps: { earlyConv: 1.5, deep: 0.2 }, target: 1, probeRatio: 0 },
      quantization: { floatModel: '' },
      structural: { dims: [0], atol: -1 },
    });
    // The set of paths is the contract, not their order (schema issues first, then relations between fields).
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'colour',
        'metric',
        'batchSize',
        'slices[0].name',
        'slices[1].lengths',
        'slices[2].name',
        'slices[2].maxDrop',
        'slices[2].labels[0]',
        'slices[3]',
        'latency.productionBatchSizes',
        'latency.requiredSpeedup',
        'latency.claimedAtBatch',
        'budget.caps.deep',
        'budget.caps.earlyConv',
        'budget.target',
        'budget.probeRatio',
        'quantization.floatModel',
        'structural.dims[0]',
        'structural.atol',
      ].sort(),
    );
    expect(issues.find((i) => i.path === 'colour')).toMatchObject({ message: 'unknown key', received: 'colour' });
    expect(issues.find((i) => i.path === 'slices[0].name')?.message).toMatch(/'all' is the aggregate/);
    expect(issues.find((i) => i.path === 'slices[2].name')?.message).toBe('duplicate slice name');
    expect(() => validateConfig({ batchSize: 0, metric: 'f1' }, 'my.json')).toThrow(
      /^my\.json: 2 config problems: metric: unknown metric .*; batchSize: must be a number/,
    );
  });

  it("a slice with both 'lengths' and 'labels' is one problem, not a guess at which was meant", () => {
    expect(configIssues({ slices: [{ name: 'x', lengths: [1, 2], labels: [3] }] })).toEqual([
      expect.objectContaining({ path: 'slices[0]', message: "give either 'lengths' or 'labels', not both" }),
    ]);
  });

  it('refuses sizes past its limits instead of allocating them', () => {
    const issues = configIssues({ latency: { productionBatchSizes: [1e6] }, structural: { dims: [1e6] } });
    expect(issues.map((i) => i.path)).toEqual(['latency.productionBatchSizes[0]', 'structural.dims[0]']);
  });

  it('documents its defaults in docs/config.md', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(join(import.meta.dirname, '../../docs/config.md'), 'utf8');
    for (const [section, values] of Object.entries(DEFAULTS)) {
      if (typeof values !== 'object' || Array.isArray(values)) continue;
      for (const key of Object.keys(values)) expect(doc, `${section}.${key}`).toContain(`\`${key}\``);
    }
  });

  it('loads a file, naming it in errors, and resolves floatModel beside it', () => {
    const dir = tempDir();
    const ok = join(dir, 'pruneguard.config.json');
    writeFileSync(ok, JSON.stringify({ quantization: { floatModel: 'f.onnx' } }));
    expect(loadConfigFile(ok).quantization?.floatModel).toBe(join(dir, 'f.onnx'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"slices": [');
    expect(() => loadConfigFile(broken)).toThrow(
      new RegExp(`^${broken.replace(/[.\\/]/g, '\\$&')}: config is not valid JSON`),
    );
    expect(() => loadConfigFile(join(dir, 'absent.json'))).toThrow(/absent\.json: cannot read config \(ENOENT\)/);
  });
});
