import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('shape ops', () => {
  for (const opset of [12, 14, 17, 18]) {
    it(
      `opset ${opset}: flatten/reshape/transpose/concat/split/slice/squeeze/unsqueeze/expand/tile run with tracked ` +
        `shapes`,
      async () => {
        const b = new GraphBuilder({ seed: 9, opset });
        const x = b.input('x', 'float32', ['batch', 4, 2, 3]);
        b.output(b.flatten(x), 'flat');
        b.output(b.reshape(x, [0, 0, -1]), 'r_static');
        b.output(b.reshape(x, [{ axis: 0 }, 8, 3], { dynamic: true }), 'r_dynamic');
        b.output(b.reshape(x, [-1, 3]), 'r_merge_batch');
        b.output(b.transpose(x, [0, 2, 3, 1]), 'nhwc');
        b.output(b.concat([x, x], 1), 'cat');
        const [s0, s1] = b.split(x, { axis: 1, sizes: [1, 3] });
        b.output(s0, 'split0');
        b.output(s1, 'split1');
        b.output(b.slice(x, { starts: [1], ends: [3], axes: [1] }), 'sl');
        b.output(b.slice(x, { starts: [-1, 0], ends: [-1000, 3], axes: [3, 2], steps: [-2, 2] }), 'sl_steps');
        const u = b.unsqueeze(x, [1]);
        b.output(u, 'unsq');
        b.output(b.squeeze(u, [1]), 'sq');
        b.output(b.expand(u, [1, 3, 1, 1, 1]), 'exp');
        b.output(b.tile(x, [1, 2, 1, 1]), 'tile');
        b.output(b.reduceMean(x, { axes: [2, 3], keepdims: false }), 'mean');
        b.output(b.reduceSum(x, { axes: [1] }), 'sum');
        const model = b.build();
        const r = await runModel(model, { batch: 2 });
        expect(r.actual).toEqual(r.expected);
        expect(r.expected.r_merge_batch).toEqual([16, 3]);
        const splitNode = model.graph.nodes.find((n) => n.opType === 'Split')!;
        expect(splitNode.inputs.length).toBe(opset >= 13 ? 2 : 1);
      },
    );
  }

  it('tracks symbolic dims through reshape', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['batch', 'seq', 8]);
    expect(b.reshape(x, [-1, 8]).shape).toEqual(['batch*seq', 8]);
    expect(b.reshape(x, [0, 0, 2, 4]).shape).toEqual(['batch', 'seq', 2, 4]);
    expect(b.reshape(x, [{ axis: 0 }, -1]).shape).toEqual(['batch', '8*seq']);
    expect(b.flatten(x).shape).toEqual(['batch', '8*seq']);
  });

  it('dynamic reshape is built from Shape/Gather/Unsqueeze/Concat', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['batch', 'seq', 8]);
    b.output(b.reshape(x, [{ axis: 0 }, { axis: 1 }, 2, 4], { dynamic: true }));
    expect(b.build().graph.nodes.map((n) => n.opType)).toEqual([
      'Shape',
      'Gather',
      'Unsqueeze',
      'Gather',
      'Unsqueeze',
      'Concat',
      'Reshape',
    ]);
  });

  it('refuses bad arguments with the actual values', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 4, 3]);
    const bad = (f: () => unknown, msg: RegExp) =>
      expect(f).toThrow(expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringMatching(msg) }));
    bad(() => b.reshape(x, [5, -1]), /24 elements cannot be reshaped/);
    bad(() => b.reshape(x, [-1, -1]), /at most one -1/);
    bad(() => b.reshape(x, [2, 4, 4]), /element counts differ \(24 vs 32\)/);
    bad(() => b.transpose(x, [0, 0, 1]), /perm \[0,0,1\] is not a permutation/);
    bad(() => b.split(x, { axis: 1, sizes: [1, 2] }), /sum to 3, but axis 1 of x\[2,4,3\] is 4/);
    bad(() => b.squeeze(x, [1]), /axis 1 of x\[2,4,3\] is not 1/);
    bad(() => b.concat([x, b.input('y', 'float32', [2, 5, 3])], 2), /dim 1 differs/);
    bad(() => b.slice(x, { starts: [0], ends: [1], axes: [5] }), /axis 5 is out of range for rank 3/);
  });
});
