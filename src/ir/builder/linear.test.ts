import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('linear family', () => {
  it('gemm, matmul (weight and value), linear, ffn run with tracked shapes', async () => {
    const b = new GraphBuilder({ seed: 8 });
    const x = b.input('x', 'float32', ['batch', 6]);
    const t = b.input('t', 'float32', ['batch', 'seq', 6]);
    b.output(b.gemm(x, 3), 'gemm');
    b.output(b.gemm(x, 3, { bias: false }), 'gemm_nobias');
    b.output(b.matmul(t, { out: 4 }), 'mm_w');
    b.output(b.matmul(t, b.transpose(t, [0, 2, 1])), 'mm_vv');
    b.output(b.linear(t, 5, { name: 'fc' }), 'lin');
    b.output(b.ffn(t, { hidden: 12 }), 'ffn');
    b.output(b.ffn(t, { hidden: 8, out: 2, activation: 'relu' }), 'ffn_relu');
    const model = b.build();
    const gemm = model.graph.nodes.find((n) => n.name === 'gemm1')!;
    expect(gemm.inputs).toEqual(['x', 'gemm1.weight', 'gemm1.bias']);
    expect(model.graph.initializers.get('gemm1.weight')?.dims).toEqual([3, 6]);
    expect(model.graph.initializers.get('fc.weight')?.dims).toEqual([6, 5]);
    expect(model.graph.nodes.filter((n) => n.name.startsWith('fc.')).map((n) => n.name)).toEqual([
      'fc.matmul',
      'fc.add',
    ]);
    expect([...model.graph.initializers.keys()]).toContain('ffn1.fc1.weight');
    const r = await runModel(model, { batch: 2, seq: 3 });
    expect(r.actual).toEqual(r.expected);
    expect(r.expected.mm_vv).toEqual([2, 3, 3]);
  });

  it('embedding feeds a transformer block from int64 token ids', async () => {
    const b = new GraphBuilder({ seed: 8 });
    const ids = b.input('ids', 'int64', ['batch', 'seq']);
    const h = b.embedding(ids, 6, 8);
    expect(h.shape).toEqual(['batch', 'seq', 8]);
    b.output(b.transformerBlock(h, { heads: 2 }), 'y');
    const r = await runModel(b.build(), { batch: 2, seq: 3 });
    expect(r.actual).toEqual(r.expected);
    expect(() => b.embedding(h, 6, 8)).toThrow(/ids embed1 must be int64 or int32, got float32/);
  });

  it('refuses mismatched inner dims and wrong ranks', () => {
    const b = new GraphBuilder();
    const a = b.input('a', 'float32', [2, 3]);
    expect(() => b.matmul(a, b.input('w', 'float32', [4, 5]))).toThrow(
      expect.objectContaining({
        code: 'E_BAD_ARGUMENT',
        message: expect.stringContaining('inner dims differ: [2,3] x [4,5] (3 vs 4)'),
      }),
    );
    expect(() => b.gemm(b.input('t', 'float32', [1, 2, 3]), 4)).toThrow(/expected rank 2, got rank 3/);
    expect(() => b.linear(a, 0)).toThrow(/out features must be a positive integer, got 0/);
  });
});
