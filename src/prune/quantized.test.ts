/**
 * Quantized and low-precision fixtures (scripts/make_quant_fixtures.py): integer weights count as
 * parameters, `prune --ratio 0.3 --verify` writes a model onnxruntime runs, removal equals the mask
 * oracle (QDQ weights and their per-channel scales sliced together, bf16 weights behind a Cast), and
 * DynamicQuantizeLinear is crossed inexactly (integer ops themselves: integer-ops.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import { summarize } from '../cli/model-summary.js';
import { isFloating, numel } from '../ir/tensor.js';
import { loadModelFile } from '../onnx/load.js';
import { run } from '../runtime/run.js';
import { createSession, releaseSession } from '../runtime/session.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { analyzeGroups } from './groups.js';
import { ratioPlan } from './plan-resolve.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

const sizes = [{ input: [1, 3, 8, 8] }, { input: [2, 3, 8, 8] }];
const dir = tempDir('pruneguard-quant-');

describe('quantized and low-precision models', () => {
  it.each([
    ['qdq_cnn_op17.onnx', ['c2.weight_q']],
    ['integer_ops_op17.onnx', ['ci.weight', 'ql.weight', 'mm.weight']],
  ])('%s: integer weights count as parameters', (file, integerWeights) => {
    const model = loadModelFile(`fixtures/models/${file}`);
    const floating = [...model.graph.initializers.values()]
      .filter((t) => isFloating(t.dtype))
      .reduce((n, t) => n + numel(t.dims), 0);
    const integer = integerWeights.reduce((n, name) => n + numel(model.graph.initializers.get(name)!.dims), 0);
    expect(summarize(model, file, {}).parameters).toBe(floating + integer);
  });

  it.each(['qdq_cnn_op17.onnx', 'integer_ops_op17.onnx', 'fp16_cnn_op17.onnx', 'bf16_cnn_op17.onnx'])(
    '%s: prune --ratio 0.3 --verify writes a model onnxruntime runs',
    async (file) => {
      const out = join(dir, file);
      let err = '',
        stdout = '';
      const code = await main(['prune', `fixtures/models/${file}`, '--ratio', '0.3', '--verify', '-o', out], {
        out: (t) => void (stdout += t),
        err: (t) => void (err += t),
      });
      expect(err).toBe('');
      expect(code).toBe(0);
      const pruned = loadModelFile(out);
      const session = await createSession(pruned);
      try {
        const y = await run(session, randomInputs(pruned, sizes[1], { seed: 3 }));
        expect(Object.keys(y)).toEqual(['logits']);
      } finally {
        await releaseSession(session);
      }
    },
  );

  it.each([
    ['qdq_cnn_op17.onnx', ['c1.weight#0', 'c2.bias#0']],
    ['fp16_cnn_op17.onnx', ['c1.weight#0', 'c2.weight#0']],
    ['bf16_cnn_op17.onnx', ['c1.weight#0', 'c2.weight#0']],
    // c1 reaches a DynamicQuantizeLinear: prunable, not mask-exact (ratioPlan leaves it out).
    ['integer_ops_op17.onnx', ['c0.weight#0', 'c1.weight#0', 'ci.weight#0', 'ql.weight#0']],
  ])('%s: the prunable groups remove exactly what the mask oracle zeroes', async (file, prunable) => {
    const dense = loadModelFile(`fixtures/models/${file}`);
    const analysis = analyzeGroups(dense);
    expect(
      analysis.groups
        .filter((g) => !g.blocked)
        .map((g) => g.id)
        .sort(),
    ).toEqual([...prunable].sort());
    const plan = ratioPlan(analysis, 0.3);
    const { report, verified } = await pruneAndVerify(dense, plan, sizes);
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    expect(verified).toMatchObject({ exact: true });
    // fp16 arithmetic rounds differently once a channel is gone; its bound is fp16's, not fp32's.
    expect(verified.maxDeviation).toBeLessThan(file.startsWith('fp16') ? 5e-3 : 1e-4);
  });

  it('QDQ: the int8 weight, its per-channel scale and zero point are sliced together', () => {
    const dense = loadModelFile('fixtures/models/qdq_cnn_op17.onnx');
    const group = analyzeGroups(dense).groups.find((g) => g.id === 'c2.bias#0')!;
    expect(group.members.map((m) => `${m.tensor}#${m.axis}`).sort()).toEqual([
      'c2.bias#0',
      'c2.weight_q#0',
      'c2.weight_scale#0',
      'c2.weight_zp#0',
      'c3.weight#1',
    ]);
  });

  it('DynamicQuantizeLinear passes channels inexactly, with its reason', () => {
    const c1 = analyzeGroups(loadModelFile('fixtures/models/integer_ops_op17.onnx')).groups.find(
      (g) => g.id === 'c1.weight#0',
    )!;
    expect(c1.blocked).toBeUndefined();
    expect(c1.maskExact).toBe(false);
    expect(c1.inexact.join('\n')).toMatch(/DynamicQuantizeLinear dql: DynamicQuantizeLinear computes one scale/);
  });
});
