import { describe, expect, it } from 'vitest';
import { GraphBuilder, type TransformerBlockOptions } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('blocks', () => {
  it('squeeze-excitation multiplies x by a [N,C,1,1] gate (an intentional broadcast)', async () => {
    const b = new GraphBuilder({ seed: 2 });
    const x = b.input('x', 'float32', ['batch', 8, 4, 4]);
    b.output(b.squeezeExcitation(x, { reduction: 4 }), 'y');
    const m = b.build();
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['GlobalAveragePool', 'Conv', 'Relu', 'Conv', 'Sigmoid', 'Mul']);
    expect(b.shapes().get('se1.gate')?.shape).toEqual(['batch', 8, 1, 1]);
    const r = await runModel(m, { batch: 2 });
    expect(r.actual).toEqual(r.expected);
  });

  it('resBlock adds a projection shortcut when stride or channels change; convBnAct pads to keep size', async () => {
    const b = new GraphBuilder({ seed: 2 });
    const x = b.input('x', 'float32', ['batch', 4, 6, 6]);
    const stem = b.convBnAct(x, 4, { kernel: 3 });
    const r1 = b.resBlock(stem, 4);
    const r2 = b.resBlock(r1, 8, { stride: 2 });
    b.output(r2, 'y');
    const names = b.build().graph.nodes.map((n) => n.name);
    expect(names.filter((n) => n.includes('downsample'))).toEqual(['res2.downsample_conv', 'res2.downsample_bn']);
    expect(names).toContain('res1.add');
    expect(r2.shape).toEqual(['batch', 8, 3, 3]);
    const r = await runModel(b.build(), { batch: 2 });
    expect(r.actual).toEqual(r.expected);
    expect(() => b.resBlock(r2, 16, { projection: 'never' })).toThrow(
      /identity shortcut impossible: 8 → 16 channels, stride 1/,
    );
  });

  const cases: [number, TransformerBlockOptions][] = [
    [17, { heads: 2, norm: 'pre' }],
    [17, { heads: 4, kvHeads: 2, norm: 'post', normKind: 'rms', projection: 'fused-qkv-split', dynamicReshape: true }],
    [14, { heads: 2, normKind: 'layer-decomposed', projection: 'fused-in-proj', hidden: 16 }],
  ];
  for (const [opset, o] of cases) {
    it(`transformer block opset ${opset} ${JSON.stringify(o)}`, async () => {
      const b = new GraphBuilder({ seed: 3, opset });
      const x = b.input('x', 'float32', ['batch', 'seq', 8]);
      b.output(b.transformerBlock(b.transformerBlock(x, o), o), 'y');
      const r = await runModel(b.build(), { batch: 2, seq: 3 });
      expect(r.actual).toEqual(r.expected);
      expect(r.actual.y).toEqual([2, 3, 8]);
    });
  }

  it('attention validates heads, kvHeads, embed and masks', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['batch', 'seq', 8]);
    const bad = (f: () => unknown, msg: RegExp) =>
      expect(f).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(msg) }));
    bad(() => b.attention(x, { heads: 3, embed: 8 }), /heads 3 must divide embed 8/);
    bad(() => b.attention(x, { heads: 4, kvHeads: 3, embed: 8 }), /kvHeads 3 must divide heads 4/);
    bad(() => b.attention(x, { heads: 2, embed: 6 }), /embed 6 does not match last dim of x\[batch,seq,8\]/);
    bad(
      () => b.attention(x, { heads: 2, embed: 8, causalMask: true }),
      /causalMask needs a concrete sequence length or maxSeq, got seq/,
    );
    bad(() => b.attention(b.input('y', 'float32', [1, 8]), { heads: 2, embed: 8 }), /expected rank 3, got rank 2/);
    const fixed = b.input('z', 'float32', [1, 4, 8]);
    bad(
      () => b.attention(fixed, { heads: 2, embed: 8, mask: b.input('m', 'float32', [1, 1, 1, 5]) }),
      /do not broadcast/,
    );
  });
});
