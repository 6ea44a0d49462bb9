import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('normalization', () => {
  for (const opset of [14, 17, 18, 21]) {
    it(`opset ${opset}: batch/instance/layer/rms/group norm run in onnxruntime with tracked shapes`, async () => {
      const b = new GraphBuilder({ seed: 2, opset });
      const x = b.input('x', 'float32', ['batch', 4, 3, 3]);
      b.output(b.batchNorm(x), 'bn');
      b.output(b.instanceNorm(x), 'in');
      b.output(b.groupNorm(x, { groups: 2 }), 'gn');
      const t = b.input('t', 'float32', ['batch', 'seq', 6]);
      b.output(b.layerNorm(t), 'ln');
      b.output(b.layerNormDecomposed(t), 'ln_dec');
      b.output(b.rmsNorm(t), 'rms');
      const model = b.build();
      const r = await runModel(model, { batch: 2, seq: 3 });
      expect(r.actual).toEqual(r.expected);
      const ops = model.graph.nodes.map((n) => n.opType);
      expect(ops.includes('LayerNormalization')).toBe(opset >= 17);
      expect(ops.includes('GroupNormalization')).toBe(opset >= 18);
    });
  }

  it('decomposed layerNorm equals the LayerNormalization op numerically', async () => {
    const mk = (form: 'op' | 'decomposed') => {
      const b = new GraphBuilder({ seed: 5 });
      b.output(b.layerNorm(b.input('t', 'float32', [2, 3, 6]), { form }), 'y');
      return b.build();
    };
    const a = (await runModel(mk('op'))).outputs.y.data as Float32Array;
    const d = (await runModel(mk('decomposed'))).outputs.y.data as Float32Array;
    a.forEach((v, i) => expect(d[i]).toBeCloseTo(v, 4));
  });

  it('groupNorm forms agree numerically (instance-norm reshape vs GroupNormalization)', async () => {
    const mk = (opset: number) => {
      const b = new GraphBuilder({ seed: 5, opset });
      b.output(b.groupNorm(b.input('x', 'float32', [2, 6, 2, 2]), { groups: 3 }), 'y');
      return b.build();
    };
    const ref = (await runModel(mk(17))).outputs.y.data as Float32Array;
    for (const opset of [18, 21]) {
      const got = (await runModel(mk(opset))).outputs.y.data as Float32Array;
      ref.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    }
  });

  it('rejects bad arguments with E_BAD_ARGUMENT and the actual values', () => {
    const b = new GraphBuilder({ opset: 16 });
    const x = b.input('x', 'float32', [1, 6, 4, 4]);
    expect(() => b.groupNorm(x, { groups: 4 })).toThrow(
      expect.objectContaining({
        code: 'E_BAD_ARGUMENT',
        message: expect.stringContaining('groups 4 must divide channels 6'),
      }),
    );
    expect(() => b.layerNorm(x, { form: 'op' })).toThrow(/opset >= 17.*opset 16/);
    expect(() => b.batchNorm(b.input('v', 'float32', [4]))).toThrow(/expected rank 2\.\.5, got rank 1/);
    const s = b.input('s', 'float32', [1, 'c', 4, 4]);
    expect(() => b.batchNorm(s)).toThrow(/must be a concrete number, got c/);
  });
});
