/**
 * Law: for random layer recipes, the shapes the builder tracks equal the shapes
 * onnxruntime produces (and the model always loads). Catches window/padding
 * arithmetic and reshape inference mistakes that hand-picked cases miss.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Value } from './index.js';
import { runModel } from './run-built.test-helpers.js';

type CnnLayer =
  | { op: 'conv'; out: number; kernel: number; stride: number; pad: number; dilation: number; depthwise: boolean }
  | { op: 'pool'; kind: 'max' | 'avg'; kernel: number; stride: number; ceil: boolean }
  | { op: 'bn' | 'relu' | 'se' | 'hardswish' };

const cnnLayer: fc.Arbitrary<CnnLayer> = fc.oneof(
  fc.record({
    op: fc.constant('conv' as const),
    out: fc.integer({ min: 1, max: 4 }),
    kernel: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    depthwise: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('pool' as const),
    kind: fc.constantFrom<'max' | 'avg'>('max', 'avg'),
    kernel: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    ceil: fc.boolean(),
  }),
  fc.record({ op: fc.constantFrom<'bn' | 'relu' | 'se' | 'hardswish'>('bn', 'relu', 'se', 'hardswish') }),
);

function applyCnn(b: GraphBuilder, x: Value, l: CnnLayer): Value {
  const c = x.shape[1] as number;
  const spatial = Math.min(x.shape[2] as number, x.shape[3] as number);
  switch (l.op) {
    case 'conv': {
      const eff = l.dilation * (l.kernel - 1) + 1;
      if (eff > spatial + 2 * l.pad) return x; // would not fit: the builder rejects it (tested elsewhere)
      return l.depthwise ? b.conv(x, c, { ...l, group: c }) : b.conv(x, l.out, l);
    }
    case 'pool':
      if (l.kernel > spatial) return x;
      return l.kind === 'max'
        ? b.maxPool(x, { kernel: l.kernel, stride: l.stride, ceilMode: l.ceil })
        : b.averagePool(x, { kernel: l.kernel, stride: l.stride });
    case 'bn':
      return b.batchNorm(x);
    case 'relu':
      return b.relu(x);
    case 'hardswish':
      return b.hardSwish(x);
    case 'se':
      return b.squeezeExcitation(x);
  }
}

describe('tracked shapes equal onnxruntime shapes (property)', () => {
  it('random CNN stacks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cnnLayer, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        async (layers, size, channels) => {
          const b = new GraphBuilder({ seed: 1 });
          let x = b.input('x', 'float32', ['batch', channels, size, size + 1]);
          for (const l of layers) x = applyCnn(b, x, l);
          b.output(b.flatten(x), 'y');
          const r = await runModel(b.build(), { batch: 2 });
          expect(r.actual).toEqual(r.expected);
        },
      ),
      { numRuns: 30, seed: 42 },
    );
  });

  it('random transformer stacks and reshapes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          heads: fc.integer({ min: 1, max: 3 }),
          hd: fc.integer({ min: 1, max: 3 }),
          gqa: fc.boolean(),
          dynamic: fc.boolean(),
          projection: fc.constantFrom<'separate' | 'fused-in-proj' | 'fused-qkv-split'>(
            'separate',
            'fused-in-proj',
            'fused-qkv-split',
          ),
          seq: fc.constantFrom<number | string>('seq', 3),
          opset: fc.constantFrom(13, 14, 17, 18),
        }),
        async (o) => {
          const b = new GraphBuilder({ seed: 1, opset: o.opset });
          const e = o.heads * o.hd;
          const x = b.input('x', 'float32', ['batch', o.seq, e]);
          const kvHeads = o.gqa ? 1 : o.heads;
          const y = b.transformerBlock(x, {
            heads: o.heads,
            kvHeads,
            projection: o.projection,
            dynamicReshape: o.dynamic,
            hidden: 4,
          });
          b.output(b.reshape(y, [-1, e]), 'flat');
          b.output(y, 'y');
          const r = await runModel(b.build(), { batch: 2, seq: 4 });
          expect(r.actual).toEqual(r.expected);
        },
      ),
      { numRuns: 20, seed: 42 },
    );
  });
});
