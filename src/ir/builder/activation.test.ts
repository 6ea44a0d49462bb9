import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('activations', () => {
  for (const opset of [13, 17]) {
    it(`opset ${opset}: every activation runs with tracked shapes`, async () => {
      const b = new GraphBuilder({ seed: 4, opset });
      const x = b.input('x', 'float32', ['batch', 5]);
      const outs = {
        relu: b.relu(x),
        relu6: b.relu6(x),
        clip: b.clip(x, { min: -0.5 }),
        sigmoid: b.sigmoid(x),
        hsig: b.hardSigmoid(x),
        hswish: b.hardSwish(x),
        tanh: b.tanh(x),
        gelu: b.gelu(x),
        softmax: b.softmax(x),
        leaky: b.leakyRelu(x, { alpha: 0.1 }),
      };
      for (const [k, v] of Object.entries(outs)) b.output(v, k);
      const model = b.build();
      const r = await runModel(model, { batch: 3 });
      expect(r.actual).toEqual(r.expected);
      expect(model.graph.nodes.some((n) => n.opType === 'HardSwish')).toBe(opset >= 14);
    });
  }

  it('gelu (Erf form) matches the closed form', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [4]);
    b.output(b.gelu(x), 'y');
    const model = b.build();
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['Div', 'Erf', 'Add', 'Mul', 'Mul']);
    expect(model.graph.nodes.map((n) => n.name)).toEqual([
      'gelu1.div',
      'gelu1.erf',
      'gelu1.add',
      'gelu1.mul',
      'gelu1.mul_1',
    ]);
    const r = await runModel(model);
    const ys = r.outputs.y.data as Float32Array;
    // Inputs are seeded uniform(-1, 1) from Rng(7) (runModel's default): recompute them.
    const { Rng } = await import('./rng.js');
    const rng = new Rng(7);
    const xs = Array.from({ length: 4 }, () => Math.fround(rng.uniform(-1, 1)));
    const tanhGelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    xs.forEach((v, i) => expect(Math.abs(ys[i] - tanhGelu(v))).toBeLessThan(1e-3));
  });

  it('gelu forms agree: Erf, tanh approximation, and the opset-20 Gelu op', async () => {
    const run = async (opset: number, o: Parameters<GraphBuilder['gelu']>[1]) => {
      const b = new GraphBuilder({ opset });
      b.output(b.gelu(b.input('x', 'float32', [3, 4]), o), 'y');
      const r = await runModel(b.build());
      expect(r.actual).toEqual(r.expected);
      return r.outputs.y.data as Float32Array;
    };
    const exact = await run(17, {});
    const forms = [
      await run(17, { approximate: 'tanh' }),
      await run(20, { form: 'op' }),
      await run(20, { form: 'op', approximate: 'tanh' }),
    ];
    for (const got of forms) exact.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-3));
    expect(() =>
      new GraphBuilder({ opset: 17 }).gelu(new GraphBuilder().input('x', 'float32', [1]), { form: 'op' }),
    ).toThrow(/opset >= 20/);
  });

  it('relu6 is Clip(0, 6) with readable names', () => {
    const b = new GraphBuilder();
    b.output(b.relu6(b.input('x', 'float32', [2])));
    const m = b.build();
    expect(m.graph.nodes[0]).toMatchObject({
      name: 'relu6_1',
      opType: 'Clip',
      inputs: ['x', 'relu6_1.min', 'relu6_1.max'],
    });
  });

  it('softmax on a non-last axis is refused before opset 13', () => {
    const b = new GraphBuilder({ opset: 12 });
    expect(() => b.softmax(b.input('x', 'float32', [2, 3]), { axis: 0 })).toThrow(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT' }),
    );
  });
});
