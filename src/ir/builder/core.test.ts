import { describe, expect, it } from 'vitest';
import { saveModel } from '../../onnx/save.js';
import { loadModel } from '../../onnx/load.js';
import { GraphBuilder, irVersionFor, type BuilderOptions } from './index.js';
import { runModel } from './run-built.test-helpers.js';

function small(opts: BuilderOptions) {
  const b = new GraphBuilder(opts);
  const x = b.input('x', 'float32', ['batch', 3, 6, 6]);
  const y = b.squeezeExcitation(b.relu(b.batchNorm(b.conv(x, 8, { pad: 1 }))));
  b.output(b.linear(b.flatten(b.globalAveragePool(y)), 4), 'logits');
  return b.build();
}

describe('builder core', () => {
  it('same seed ⇒ identical bytes; another seed ⇒ other weights', () => {
    const a = saveModel(small({ seed: 11 }));
    expect(Buffer.from(saveModel(small({ seed: 11 }))).equals(Buffer.from(a)), 'the bytes are identical').toBe(true);
    expect(Buffer.from(saveModel(small({ seed: 12 }))).equals(Buffer.from(a))).toBe(false);
  });

  it('declares opset, ir_version, typed inputs/outputs and round-trips through load', () => {
    const m = small({ seed: 1, opset: 14 });
    expect(m.irVersion).toBe(7);
    expect(m.opsetImports).toEqual([{ domain: '', version: 14 }]);
    expect(irVersionFor(17)).toBe(8);
    expect(m.graph.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3, 6, 6] }]);
    expect(m.graph.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch', 4] }]);
    const back = loadModel(saveModel(m));
    expect(back.graph.nodes.map((n) => n.name)).toEqual(m.graph.nodes.map((n) => n.name));
  });

  it('names every node uniquely and readably; tensor names derive from node names', () => {
    const m = small({ seed: 1 });
    const names = m.graph.nodes.map((n) => n.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'conv1',
      'bn1',
      'relu1',
      'se1.pool',
      'se1.fc1',
      'se1.relu',
      'se1.fc2',
      'se1.gate',
      'se1.scale',
      'gap1',
      'flatten1',
      'linear1.matmul',
      'linear1.add',
    ]);
    expect([...m.graph.initializers.keys()]).toEqual([
      'conv1.weight',
      'conv1.bias',
      'bn1.weight',
      'bn1.bias',
      'bn1.running_mean',
      'bn1.running_var',
      'se1.fc1.weight',
      'se1.fc1.bias',
      'se1.fc2.weight',
      'se1.fc2.bias',
      'linear1.weight',
      'linear1.bias',
    ]);
  });

  it('constant-node mode writes Constant nodes and computes the same outputs', async () => {
    const init = small({ seed: 4 });
    const cn = small({ seed: 4, constants: 'constant-node' });
    expect(cn.graph.initializers.size).toBe(0);
    expect(cn.graph.nodes.filter((n) => n.opType === 'Constant').map((n) => n.outputs[0])).toContain('conv1.weight');
    const a = await runModel(init, { batch: 2 });
    const b = await runModel(cn, { batch: 2 });
    expect([...(b.outputs.logits.data as Float32Array)]).toEqual([...(a.outputs.logits.data as Float32Array)]);
  });

  it('valueInfo option declares tracked intermediate shapes that onnxruntime accepts', async () => {
    const m = small({ seed: 1, valueInfo: true });
    expect(m.graph.valueInfo.find((v) => v.name === 'conv1')).toEqual({
      name: 'conv1',
      dtype: 'float32',
      shape: ['batch', 8, 6, 6],
    });
    const r = await runModel(m, { batch: 1 });
    expect(r.actual).toEqual(r.expected);
  });

  it('output(): renames the producer, keeps old handles usable, Identity for inputs', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 3]);
    const h = b.relu(x);
    b.output(h, 'hidden');
    b.output(b.sigmoid(h), 'y');
    b.output(x, 'x_copy');
    const m = b.build();
    expect(m.graph.nodes.map((n) => `${n.name}:${n.inputs.join(',')}->${n.outputs.join(',')}`)).toEqual([
      'relu1:x->hidden',
      'sigmoid1:hidden->y',
      'identity1:x->x_copy',
    ]);
    const r = await runModel(m);
    expect(r.actual).toEqual(r.expected);
  });

  it('misuse throws PruneguardError E_BAD_ARGUMENT', () => {
    expect(() => new GraphBuilder({ opset: 7 })).toThrow(
      expect.objectContaining({ code: 'E_BAD_ARGUMENT', message: expect.stringContaining('got 7') }),
    );
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 4, 4, 4]);
    expect(() => b.input('x', 'float32', [1])).toThrow(/value 'x' already exists/);
    expect(() => b.build()).toThrow(/no outputs/);
    b.conv(x, 4, { name: 'stem' });
    expect(() => b.conv(x, 4, { name: 'stem' })).toThrow(/name 'stem' is already used/);
    expect(() => b.conv(x, 6, { group: 4 })).toThrow(/group 4 must divide input channels 4 and output channels 6/);
    expect(() => b.conv(x, 4, { kernel: 7 })).toThrow(/effective size 7 does not fit input dim 4/);
    expect(() => b.conv(b.input('v', 'float32', [1, 4]), 4)).toThrow(/expected rank 3\.\.5, got rank 2/);
    expect(() => b.maxPool(x, { kernel: [2] })).toThrow(/expected 2 values/);
  });
});
