import { describe, expect, it } from 'vitest';
import { aliasesOf, constantSource, constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { toNumbers } from '../ir/tensor.js';
import { defaultOpset } from '../ir/types.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { loadModel } from './load.js';
import { onnx } from './proto.test-helpers.js';
import { DT, encode } from './protos.test-helpers.js';
import { saveModel } from './save.js';
import { model, node, vi } from '../runtime/tiny-models.test-helpers.js';

const A = onnx.AttributeProto.AttributeType;
const f32 = (v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const tensorType = (elemType: number, dims: (number | string)[]) => ({
  tensorType: {
    elemType,
    shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
  },
});

/** A model using everything the harness does not interpret: custom domains, odd attributes, metadata. */
function richModel(): onnx.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ version: 17 }, { domain: 'com.acme', version: 3 }],
    producerName: 'acme-exporter',
    producerVersion: '2.1',
    domain: 'ai.acme',
    modelVersion: 42,
    docString: 'model doc',
    metadataProps: [
      { key: 'owner', value: 'ml-platform' },
      { key: 'pruned', value: 'false' },
    ],
    graph: {
      name: 'rich',
      docString: 'graph doc',
      node: [
        {
          name: 'c',
          opType: 'Constant',
          output: ['c'],
          attribute: [{ name: 'value', type: A.TENSOR, t: { dataType: DT.FLOAT, dims: [2], rawData: f32([0.5, 2]) } }],
        },
        { name: 'c_alias', opType: 'Identity', input: ['c'], output: ['c2'] },
        { name: 'w_alias', opType: 'Identity', input: ['w'], output: ['w2'], docString: 'pytorch dedup' },
        { name: 'mul', opType: 'Mul', input: ['x', 'c2'], output: ['m'] },
        { name: 'mm', opType: 'MatMul', input: ['m', 'w2'], output: ['y'] },
        {
          name: 'fancy',
          opType: 'FancyOp',
          domain: 'com.acme',
          input: ['y', ''],
          output: ['z'],
          attribute: [
            { name: 'mode', type: A.STRING, s: new TextEncoder().encode('fast') },
            { name: 'scales', type: A.FLOATS, floats: [0.25, 4] },
            { name: 'sizes', type: A.INTS, ints: [1, -1, 2 ** 40] },
            {
              name: 'body',
              type: A.GRAPH,
              g: { name: 'sub', node: [{ opType: 'Relu', input: ['a'], output: ['b'] }] },
            },
            { name: 'ref', refAttrName: 'outer', type: A.INT },
          ],
        },
      ],
      initializer: [{ name: 'w', dataType: DT.FLOAT, dims: [2, 3], rawData: f32([1, 2, 3, 4, 5, 6]) }],
      input: [{ name: 'x', type: tensorType(DT.FLOAT, ['batch', 2]), docString: 'features' }],
      output: [{ name: 'z', type: tensorType(DT.FLOAT, ['batch', null as unknown as string]) }],
      valueInfo: [
        { name: 'y', type: tensorType(DT.FLOAT, ['batch', 3]) },
        { name: 'seq', type: { sequenceType: { elemType: tensorType(DT.FLOAT, []) } } },
      ],
    },
  };
}

const asObject = (bytes: Uint8Array) =>
  onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: String, bytes: Array, defaults: false });

describe('load → save → load', () => {
  it('keeps metadata, doc strings, opset imports, value_info and unknown ops/domains/attributes', () => {
    const bytes = encode(richModel());
    const m = loadModel(bytes);
    expect(m.metadata).toEqual([
      { key: 'owner', value: 'ml-platform' },
      { key: 'pruned', value: 'false' },
    ]);
    expect(m.opsetImports).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.acme', version: 3 },
    ]);
    expect(m.graph.inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: ['batch', 2], docString: 'features' });
    expect(m.graph.outputs[0].shape).toEqual(['batch', null]);
    expect(onnx.TypeProto.decode(m.graph.valueInfo[1].rawType!).sequenceType).toBeTruthy();
    const again = saveModel(m);
    expect(asObject(again)).toEqual(asObject(bytes));
    expect(asObject(saveModel(loadModel(again)))).toEqual(asObject(bytes));
  });

  it('reads Constant-node weights and Identity aliases through ir/constants', () => {
    const g = loadModel(encode(richModel())).graph;
    const index = indexGraph(g);
    expect(constantSource(g, 'c2', index)).toMatchObject({ kind: 'constant-node' });
    expect(toNumbers(constantValue(g, 'c2', index)!)).toEqual([0.5, 2]);
    expect(constantSource(g, 'w2', index)).toEqual({ kind: 'initializer', name: 'w' });
    expect(constantValue(g, 'w2', index)!.dims).toEqual([2, 3]);
    expect(aliasesOf('w', index)).toEqual(['w', 'w2']);
    expect(constantValue(g, 'x', index)).toBeUndefined();
  });
});

describe('opset headers 9..21', () => {
  const opsets = Array.from({ length: 13 }, (_, i) => 9 + i);
  it.each(opsets)('opset %i loads, round-trips and runs bit-identically in onnxruntime', async (opset) => {
    const irVersion = opset <= 17 ? 8 : opset <= 19 ? 9 : 10;
    const proto: onnx.IModelProto = {
      irVersion,
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'g',
        node: [
          { opType: 'Mul', input: ['x', 'w'], output: ['m'] },
          { opType: 'Relu', input: ['m'], output: ['y'] },
        ],
        initializer: [{ name: 'w', dataType: DT.FLOAT, dims: [3], floatData: [0.1, -0.7, 1e-3] }],
        input: [{ name: 'x', type: tensorType(DT.FLOAT, [2, 3]) }],
        output: [{ name: 'y', type: tensorType(DT.FLOAT, [2, 3]) }],
      },
    };
    const bytes = encode(proto);
    const m = loadModel(bytes);
    expect(defaultOpset(m)).toBe(opset);
    expect(m.irVersion).toBe(irVersion);
    const saved = saveModel(m);
    expect(defaultOpset(loadModel(saved))).toBe(opset);
    const x = { dtype: 'float32' as const, dims: [2, 3], data: new Float32Array([1, 2, 3, -4, -5, 6.5]) };
    const before = await run(await createSession(bytes), { x });
    const after = await run(await createSession(saved), { x });
    expect(Buffer.from((after.y.data as Float32Array).buffer)).toEqual(
      Buffer.from((before.y.data as Float32Array).buffer),
    );
  });
});

describe('a graph with a cycle', () => {
  it('is refused at load naming the file and the nodes (E_CORRUPT_MODEL); a self-loop is left to inspect', () => {
    const cycle = model(
      [node('Add', ['x', 'b'], ['a'], [], 'A'), node('Relu', ['a'], ['b'], [], 'B')],
      [vi('x', 'float32', [1, 4])],
      [vi('b', 'float32', [1, 4])],
      {},
    );
    expect(() => loadModel(saveModel(cycle), { source: 'cycle.onnx' })).toThrow(
      expect.objectContaining({ code: 'E_CORRUPT_MODEL', message: 'cycle.onnx: graph has a cycle through: A, B' }),
    );
    const selfLoop = model([node('Add', ['x', 'y'], ['y'], [], 'loop')], [vi('x', 'float32', [1, 4])], [], {});
    expect(loadModel(saveModel(selfLoop)).graph.nodes).toHaveLength(1);
  });
});
