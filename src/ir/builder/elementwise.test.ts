import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('elementwise with broadcasting', () => {
  it('value/value, per-channel [1,C,1,1] and [C] constants, scalars', async () => {
    const b = new GraphBuilder({ seed: 6 });
    const x = b.input('x', 'float32', ['batch', 4, 3, 3]);
    const y = b.input('y', 'float32', [1, 4, 1, 1]);
    b.output(b.add(x, y), 'vv');
    b.output(b.mul(x, { shape: [1, 4, 1, 1] }), 'per_channel');
    b.output(b.sub(x, { shape: [3], values: [1, 2, 3] }), 'last_axis');
    b.output(b.div(x, 2), 'scalar');
    b.output(b.pow(x, 2), 'pow');
    const model = b.build();
    expect(model.graph.initializers.get('mul1.const')?.dims).toEqual([1, 4, 1, 1]);
    const r = await runModel(model, { batch: 2 });
    expect(r.actual).toEqual(r.expected);
    expect(r.expected.vv).toEqual([2, 4, 3, 3]);
  });

  it('broadcast growing the rank and symbolic against 1', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['seq', 1]);
    const m = b.const('mask', { shape: [2, 1, 5] });
    const out = b.add(x, m);
    expect(out.shape).toEqual([2, 'seq', 5]);
    b.output(out, 'y');
    const r = await runModel(b.build(), { seq: 3 });
    expect(r.actual).toEqual(r.expected);
  });

  it('refuses shapes that do not broadcast, naming both shapes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 4, 3, 3]);
    expect(() => b.add(x, { shape: [1, 3, 1, 1] })).toThrow(
      expect.objectContaining({
        code: 'E_BAD_ARGUMENT',
        message: expect.stringContaining('[1,4,3,3] and [1,3,1,1] do not broadcast'),
      }),
    );
    expect(() => b.add(x, b.input('i', 'int64', [1]))).toThrow(/dtypes differ/);
  });
});
