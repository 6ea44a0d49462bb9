import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../../onnx/save.js';
import { GraphBuilder, type AttentionOptions } from './index.js';
import { runModel } from './run-built.test-helpers.js';

const variants: [string, Partial<AttentionOptions>][] = [
  ['separate', { projection: 'separate' }],
  ['fused-in-proj', { projection: 'fused-in-proj', scale: 'mul' }],
  ['fused-qkv-split', { projection: 'fused-qkv-split', dynamicReshape: true }],
  ['gqa expand', { kvHeads: 2, dynamicReshape: true }],
  ['gqa tile static', { kvHeads: 1, repeatKv: 'tile', projection: 'fused-qkv-split' }],
  ['gqa fused-in-proj', { kvHeads: 2, projection: 'fused-in-proj' }],
  ['einsum (Keras/Flax per-head kernels), unscaled', { projection: 'einsum', scale: 'none', bias: false }],
  ['einsum with biases, dynamic merge', { projection: 'einsum', dynamicReshape: true }],
  ['fused qkv to [B, T, 3, H, hd] (ViT/timm)', { projection: 'fused-qkv-heads' }],
  ['fused qkv to [B, T, 3, H, hd], dynamic', { projection: 'fused-qkv-heads', dynamicReshape: true, bias: false }],
  ['fused qkv to [B, T, H, 3·hd] (GPT-NeoX), dynamic', { projection: 'fused-qkv-per-head', dynamicReshape: true }],
  ['einsum gqa expand', { projection: 'einsum', kvHeads: 2 }],
  ['einsum gqa tile, dynamic', { projection: 'einsum', kvHeads: 1, repeatKv: 'tile', dynamicReshape: true }],
];

describe('attention', () => {
  for (const [label, opts] of variants) {
    it(`${label}: runs in onnxruntime with tracked shapes`, async () => {
      const b = new GraphBuilder({ seed: 3 });
      const x = b.input('x', 'float32', ['batch', 'seq', 8]);
      b.output(b.attention(x, { heads: 4, embed: 8, ...opts }), 'y');
      const r = await runModel(b.build(), { batch: 2, seq: 5 });
      expect(r.actual).toEqual(r.expected);
      expect(r.actual.y).toEqual([2, 5, 8]);
    });
  }

  it(
    'einsum attention: per-head kernels [E, H, hd] and no head-splitting reshape (8 nodes unscaled, ' +
      'without biases)',
    () => {
      const b = new GraphBuilder({ seed: 3 });
      const x = b.input('x', 'float32', ['batch', 'seq', 8]);
      b.output(b.attention(x, { heads: 4, embed: 8, projection: 'einsum', scale: 'none', bias: false }), 'y');
      const m = b.build();
      expect(m.graph.nodes.filter((n) => n.opType !== 'Constant').map((n) => n.opType)).toEqual([
        'Einsum',
        'Einsum',
        'Einsum',
        'Einsum',
        'Softmax',
        'Einsum',
        'Reshape',
        'MatMul',
      ]);
      expect(m.graph.initializers.get('attn1.q_proj.kernel')?.dims).toEqual([8, 4, 2]);
    },
  );

  it('causal mask sliced from a maxSeq buffer keeps the sequence symbolic', async () => {
    const b = new GraphBuilder({ seed: 3 });
    const x = b.input('x', 'float32', ['batch', 'seq', 8]);
    b.output(b.attention(x, { heads: 2, embed: 8, causalMask: true, maxSeq: 16 }), 'y');
    const model = b.build();
    expect(b.shapes().get('attn1.mask_slice')?.shape).toEqual(['seq', 'seq']);
    for (const seq of [1, 5]) {
      const r = await runModel(model, { batch: 2, seq });
      expect(r.actual).toEqual(r.expected);
    }
  });

  it('causal mask makes position 0 independent of later tokens', async () => {
    const b = new GraphBuilder({ seed: 3 });
    const x = b.input('x', 'float32', [1, 3, 4]);
    b.output(b.attention(x, { heads: 2, embed: 4, causalMask: true }), 'y');
    const session = await ort.InferenceSession.create(saveModel(b.build()));
    const run = async (data: number[]) =>
      (await session.run({ x: new ort.Tensor('float32', Float32Array.from(data), [1, 3, 4]) })).y.data as Float32Array;
    const a = await run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const c = await run([1, 2, 3, 4, -5, 0, 7, 1, 9, 9, 9, 9]);
    for (let i = 0; i < 4; i++) expect(c[i]).toBeCloseTo(a[i], 5);
    expect(c[4]).not.toBeCloseTo(a[4], 3);
  });

  it('causal and explicit masks at a concrete length', async () => {
    const b = new GraphBuilder({ seed: 3 });
    const x = b.input('x', 'float32', [1, 4, 8]);
    const mask = b.input('mask', 'float32', [1, 1, 1, 4]);
    b.output(b.attention(x, { heads: 2, embed: 8, causalMask: true, mask }), 'y');
    const r = await runModel(b.build());
    expect(r.actual).toEqual(r.expected);
  });
});
