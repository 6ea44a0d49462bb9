/**
 * External data both ways: Constant-node tensors resolve their external data like initializers
 * when a model is loaded from a path; saving can put every tensor (initializers and Constant
 * values alike) in one external-data file, and a model read from external data writes back its
 * tensors byte for byte, inline or external, without reading them into memory first.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { PruneguardError } from '../errors.js';
import { AttrType, type Model } from '../ir/types.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { mlpModel, node, weights } from '../runtime/tiny-models.test-helpers.js';
import { loadModel, loadModelFile } from './load.js';
import { onnx } from './proto.test-helpers.js';
import { saveModel, saveModelFile } from './save.js';
import { dataBytes } from './tensor-encode.js';
import { storedExternally } from './tensor-store.js';

const root = mkdtempSync(join(tmpdir(), 'pruneguard-extsave-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;
const x = { dtype: 'float32' as const, dims: [2, 4], data: new Float32Array([1, -2, 3, 0.5, -1, 2, 0, 4]) };

/** mlpModel with its second bias moved into a Constant node (exporters keep weights there too). */
function withConstant(): Model {
  const m = mlpModel();
  const b2 = m.graph.initializers.get('b2')!;
  m.graph.initializers.delete('b2');
  m.graph.nodes.unshift(
    node(
      'Constant',
      [],
      ['b2'],
      [{ name: 'value', type: AttrType.TENSOR, t: weights([...b2.dims], 99, 0.5) }],
      'b2_const',
    ),
  );
  return m;
}

const bytesOf = (m: Model) =>
  [...m.graph.initializers.entries()]
    .map(([n, t]) => [n, Buffer.from(dataBytes(t))] as const)
    .concat(
      m.graph.nodes.flatMap((n) =>
        n.attributes.filter((a) => a.t).map((a) => [`${n.name}.${a.name}`, Buffer.from(dataBytes(a.t!))] as const),
      ),
    );

async function outputOf(model: Model | Uint8Array): Promise<number[]> {
  return [...((await run(await createSession(model), { x })).y.data as Float32Array)];
}

describe('external data of Constant nodes', () => {
  it('is resolved when the model is loaded from a path', async () => {
    const dir = join(root, 'constant');
    mkdirSync(dir);
    const values = new Float32Array([0.25, -4, 8]);
    const blob = new Uint8Array(16 + values.byteLength);
    blob.set(new Uint8Array(values.buffer), 16);
    writeFileSync(join(dir, 'c.bin'), blob);
    const proto = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ version: 17 }],
      graph: {
        name: 'g',
        node: [
          {
            name: 'c',
            opType: 'Constant',
            output: ['c'],
            attribute: [
              {
                name: 'value',
                type: onnx.AttributeProto.AttributeType.TENSOR,
                t: {
                  name: '/Constant_1_attr::value',
                  dataType: 1,
                  dims: [3],
                  dataLocation: EXTERNAL,
                  externalData: [
                    { key: 'location', value: 'c.bin' },
                    { key: 'offset', value: '16' },
                    { key: 'length', value: '12' },
                  ],
                },
              },
            ],
          },
          { name: 'id', opType: 'Identity', input: ['c'], output: ['y'] },
        ],
        output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      },
    });
    const path = join(dir, 'm.onnx');
    writeFileSync(path, onnx.ModelProto.encode(proto).finish());
    const model = loadModelFile(path);
    const t = model.graph.nodes[0].attributes[0].t!;
    expect(storedExternally(t)).toMatchObject({ offset: 16, length: 12 });
    expect([...(t.data as Float32Array)]).toEqual([...values]);
    const inlined = saveModel(loadModelFile(path));
    expect([...((await run(await createSession(inlined), {})).y.data as Float32Array)]).toEqual([...values]);
  });
});

describe('saving with external data', () => {
  it('moves initializers and Constant tensors to one file, and the model runs the same in onnxruntime', async () => {
    const model = withConstant();
    const dir = join(root, 'save');
    const path = join(dir, 'm.onnx');
    const { externalData } = saveModelFile(model, path, { externalData: true, sizeThreshold: 0 });
    expect(externalData).toBe(join(dir, 'm.onnx.data'));
    const dataSize = statSync(externalData!).size;
    expect(dataSize).toBeGreaterThanOrEqual(bytesOf(model).reduce((n, [, b]) => n + b.length, 0));
    // The model file keeps no tensor bytes (read through an independent decoder).
    const proto = onnx.ModelProto.decode(readFileSync(path));
    const tensors = [...proto.graph!.initializer!, proto.graph!.node![0].attribute![0].t!];
    for (const t of tensors) expect([t.dataLocation, t.rawData?.length ?? 0]).toEqual([EXTERNAL, 0]);
    const back = loadModelFile(path);
    for (const t of [...back.graph.initializers.values(), back.graph.nodes[0].attributes[0].t!])
      expect(storedExternally(t)).toBeDefined();
    expect(bytesOf(back)).toEqual(bytesOf(model));
    const fromPath = await InferenceSession.create(path);
    const ortOut = (await fromPath.run({ x: new Tensor('float32', x.data, x.dims) })).y.data as Float32Array;
    expect([...ortOut]).toEqual(await outputOf(model));
    await fromPath.release();
  });

  it('writes tensors read from external data back byte for byte, inline and external, in another folder', () => {
    const src = join(root, 'roundtrip-src');
    saveModelFile(withConstant(), join(src, 'm.onnx'), { externalData: true, sizeThreshold: 0 });
    const loaded = loadModelFile(join(src, 'm.onnx'));
    const expected = bytesOf(withConstant());
    const ext = join(root, 'roundtrip-ext', 'out.onnx');
    saveModelFile(loaded, ext, { externalData: true, sizeThreshold: 0, location: 'weights.bin' });
    expect(
      existsSync(join(root, 'roundtrip-ext', 'weights.bin')),
      `${join(root, 'roundtrip-ext', 'weights.bin')} exists`,
    ).toBe(true);
    expect(bytesOf(loadModelFile(ext))).toEqual(expected);
    const inline = join(root, 'roundtrip-inline', 'out.onnx');
    expect(saveModelFile(loaded, inline, { externalData: false })).toEqual({});
    expect(bytesOf(loadModel(readFileSync(inline)))).toEqual(expected);
    // Saving never read the tensors into memory: they still wait in the source file.
    for (const t of loaded.graph.initializers.values())
      expect(storedExternally(t)?.path).toBe(join(src, 'm.onnx.data'));
  });

  it('keeps small models inline by default (external data only past 2 GB)', () => {
    const path = join(root, 'auto', 'm.onnx');
    expect(saveModelFile(mlpModel(), path)).toEqual({});
    expect(loadModel(readFileSync(path)).graph.initializers.size).toBe(4);
  });

  it('refuses to write external data over the file the tensors are read from', () => {
    const dir = join(root, 'self');
    saveModelFile(mlpModel(), join(dir, 'm.onnx'), { externalData: true, sizeThreshold: 0 });
    const loaded = loadModelFile(join(dir, 'm.onnx'));
    let err: unknown;
    try {
      saveModelFile(loaded, join(dir, 'other.onnx'), { externalData: true, sizeThreshold: 0, location: 'm.onnx.data' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PruneguardError);
    expect((err as Error).message).toMatch(/tensors are read from it/);
    expect(bytesOf(loadModelFile(join(dir, 'm.onnx')))).toEqual(bytesOf(mlpModel()));
  });
});
