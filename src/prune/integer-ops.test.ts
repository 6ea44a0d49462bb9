/**
 * Integer ops (scripts/make_integer_fixtures.py): ConvInteger, QLinearConv, MatMulInteger and QLinearMatMul
 * prune with their per-channel scales and zero points; the mask oracle sets a removed channel's integer
 * weight to its zero point (not 0), so removal equals masking exactly, nonzero zero points included.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import { fromNumbers, toNumbers } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, run, type Feeds } from '../runtime/index.js';
import { coverage } from './coverage.js';
import { analyzeGroups } from './groups.js';
import { mask } from './mask.js';
import { ratioPlan } from './plan-resolve.js';
import { prune } from './prune.js';
import { zeroAlong } from './slice.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

const cnn = [{ input: [1, 3, 8, 8] }, { input: [2, 3, 8, 8] }];
const tokens = [{ input: [1, 3, 16] }, { input: [2, 5, 16] }];
const FIXTURES = [
  ['qlinear_conv_op17.onnx', cnn, ['c1.weight#0', 'c3.weight#0']],
  ['conv_integer_op17.onnx', cnn, ['c1.weight#0', 'c2.weight#0']],
  ['matmul_integer_op17.onnx', tokens, ['m1.weight#1', 'm2.weight#1', 'm3.weight#1']],
  ['qdq_zero_point_op17.onnx', cnn, ['c1.weight#0', 'c2.bias#0', 'c3.bias#0']],
] as const;
const dir = tempDir('pruneguard-integer-');
const load = (file: string) => loadModelFile(`fixtures/models/${file}`);

async function outputs(model: Model, feeds: Feeds): Promise<Float32Array> {
  const session = await createSession(model);
  try {
    return (await run(session, feeds)).logits.data as Float32Array;
  } finally {
    await releaseSession(session);
  }
}

describe('integer ops', () => {
  it.each(FIXTURES)(
    '%s: every group but the output head prunes, removal equals the mask oracle',
    async (file, sizes, prunable) => {
      const dense = load(file);
      const analysis = analyzeGroups(dense);
      expect(coverage(analysis, dense).analysedPercent).toBeGreaterThanOrEqual(95);
      const open = analysis.groups.filter((g) => !g.blocked);
      expect(open.map((g) => g.id).sort()).toEqual([...prunable].sort());
      expect(open.filter((g) => !g.maskExact).map((g) => g.id)).toEqual([]);
      const { report, verified } = await pruneAndVerify(
        dense,
        ratioPlan(analysis, 0.3),
        sizes.map((s) => ({ ...s })),
      );
      expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
      expect(verified).toMatchObject({ exact: true });
      // Integer arithmetic is exact; only the fp32 head sums fewer (zero) terms.
      expect(verified.maxDeviation).toBeLessThan(1e-5);
    },
  );

  it.each(FIXTURES)('%s: prune --ratio 0.3 --verify writes a model onnxruntime runs', async (file, sizes) => {
    const out = join(dir, file);
    let err = '';
    const code = await main(['prune', `fixtures/models/${file}`, '--ratio', '0.3', '--verify', '-o', out], {
      out: () => {},
      err: (t) => void (err += t),
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    const pruned = loadModelFile(out);
    expect((await outputs(pruned, randomInputs(pruned, sizes[1], { seed: 5 }))).length).toBeGreaterThan(0);
  });

  it('QLinearConv: weight, per-channel scale and zero point, int32 bias and the depthwise layer slice together', () => {
    const group = analyzeGroups(load('qlinear_conv_op17.onnx')).groups.find((g) => g.id === 'c1.weight#0')!;
    expect(group.members.map((m) => `${m.tensor}#${m.axis}`).sort()).toEqual([
      'c1.bias#0',
      'c1.w_scale#0',
      'c1.w_zp#0',
      'c1.weight#0',
      'c3.weight#1',
      'dw.w_scale#0',
      'dw.w_zp#0',
      'dw.weight#0',
    ]);
  });

  it('QLinearMatMul: the per-column scale and zero point follow the weight columns', () => {
    const group = analyzeGroups(load('matmul_integer_op17.onnx')).groups.find((g) => g.id === 'm2.weight#1')!;
    expect(group.members.map((m) => `${m.tensor}#${m.axis}`).sort()).toEqual([
      'm2.w_scale#0',
      'm2.w_zp#0',
      'm2.weight#1',
      'm3.weight#0',
    ]);
  });

  it('the mask writes the zero point into a removed integer entry; writing 0 would change the output', async () => {
    const dense = load('qlinear_conv_op17.onnx');
    const plan = { channels: [{ group: 'c1.weight#0', indices: [1, 4] }] };
    const masked = mask(dense, plan).model;
    const entry = masked.graph.initializers.get('c3.weight')!;
    const zp = Number(toNumbers(dense.graph.initializers.get('c3.w_zp')!)[0]);
    expect(zp).not.toBe(0);
    const [cout, cin, k] = [entry.dims[0], entry.dims[1], entry.dims[2] * entry.dims[3]];
    const values = toNumbers(entry).map(Number);
    for (let o = 0; o < cout; o++)
      for (const c of [1, 4]) for (let r = 0; r < k; r++) expect(values[(o * cin + c) * k + r]).toBe(zp);
    // The planted bug: zeroing the int8 weight instead of setting it to its zero point.
    const zeroed = mask(dense, plan).model;
    zeroed.graph.initializers.set('c3.weight', zeroAlong(dense.graph.initializers.get('c3.weight')!, 1, [1, 4]));
    const feeds = randomInputs(dense, cnn[1], { seed: 9 });
    const pruned = await outputs(prune(dense, plan).model, feeds);
    const right = await outputs(masked, feeds);
    const wrong = await outputs(zeroed, feeds);
    expect(Math.max(...pruned.map((v, i) => Math.abs(v - right[i])))).toBe(0);
    expect(Math.max(...pruned.map((v, i) => Math.abs(v - wrong[i])))).toBeGreaterThan(0.01);
  });

  it('a per-channel ConvInteger zero point slices with the output channels and is what entries are masked to', () => {
    // Analysis only: onnxruntime's ConvInteger refuses a per-channel weight zero point.
    const dense = load('conv_integer_op17.onnx');
    const zps = [3, 9, 1, 250, 7, 0];
    dense.graph.initializers.set('c2.w_zp', fromNumbers('uint8', [6], zps));
    const groups = analyzeGroups(dense).groups;
    const c2 = groups.find((g) => g.id === 'c2.weight#0')!;
    expect(c2.members.map((m) => `${m.tensor}#${m.axis}`).sort()).toEqual([
      'c2.w_zp#0',
      'c2.weight#0',
      'head.weight#1',
    ]);
    const entry = mask(dense, { channels: [{ group: 'c1.weight#0', indices: [2] }] }).model.graph.initializers.get(
      'c2.weight',
    )!;
    const values = toNumbers(entry).map(Number);
    for (let o = 0; o < 6; o++) for (let r = 0; r < 9; r++) expect(values[(o * 8 + 2) * 9 + r]).toBe(zps[o]);
  });

  it('an output scale with one value per channel blocks, naming the input', () => {
    const dense = load('qlinear_conv_op17.onnx');
    dense.graph.initializers.set(
      'b.scale',
      fromNumbers('float32', [8], [0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04]),
    );
    const c1 = analyzeGroups(dense).groups.find((g) => g.id === 'c1.weight#0')!;
    expect(c1.blocked).toMatch(
      /QLinearConv dw: input 6 \(the output's scale or zero point\) is not one value per tensor/,
    );
  });
});
