import { describe, expect, it } from 'vitest';
import { GraphBuilder, type AttentionOptions } from './index.js';
import { runModel } from './test-support.js';

const variants: [string, Partial<AttentionOptions>][] = [
  ['separate', { projection: 'separate' }],
  ['fused-in-proj', { projection: 'fused-in-proj', scale: 'mul' }],
  ['fused-qkv-split', { projection: 'fused-qkv-split', dynamicReshape: true }],
  ['gqa expand', { kvHeads: 2, dynamicReshape: true }],
  ['gqa tile static', { kvHeads: 1, repeatKv: 'tile', projection: 'fused-qkv-split' }],
  ['gqa fused-in-proj', { kvHeads: 2, projection: 'fused-in-proj' }],
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

  it('causal and explicit masks at a concrete length', async () => {
    const b = new GraphBuilder({ seed: 3 });
    const x = b.input('x', 'float32', [1, 4, 8]);
    const mask = b.input('mask', 'float32', [1, 1, 1, 4]);
    b.output(b.attention(x, { heads: 2, embed: 8, causalMask: true, mask }), 'y');
    const r = await runModel(b.build());
    expect(r.actual).toEqual(r.expected);
  });
});
