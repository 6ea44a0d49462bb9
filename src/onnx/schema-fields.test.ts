/**
 * Fields added to onnx.proto after ONNX 1.10 survive load → save: node overload, metadata_props
 * (nodes, value infos, graphs, tensors, functions), device configurations, functions' overload
 * and value_info. The fixture is written by scripts/make_schema_fixture.py.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { loadModel, loadModelFile } from './load.js';
import { saveModel } from './save.js';

const path = join(import.meta.dirname, '../../fixtures/schema/fields_since_1_10.onnx');
const original = new Uint8Array(readFileSync(path));
/** Strings that only the post-1.10 fields carry. */
const markers = ['fast', 'layer1.dense', 'cfg0', 'unit', 'stage', 'quantized_by', 'v2', 'author', 'Twice'];
const has = (bytes: Uint8Array, s: string) => Buffer.from(bytes).includes(Buffer.from(s));

describe('fields of the current ONNX schema', () => {
  it('come back byte-identical from load → save', () => {
    for (const m of markers) expect(has(original, m), m).toBe(true);
    expect(Buffer.from(saveModel(loadModelFile(path))).equals(Buffer.from(original)), 'the bytes are identical').toBe(
      true,
    );
  });

  it('survive edits to the parts of the graph the IR models', () => {
    const model = loadModel(original);
    const matmul = model.graph.nodes.find((n) => n.opType === 'MatMul')!;
    matmul.name = 'renamed';
    model.graph.nodes.find((n) => n.opType === 'Add')!.inputs.reverse();
    model.graph.name = 'edited';
    const saved = saveModel(model);
    expect(Buffer.from(saved).equals(Buffer.from(original))).toBe(false);
    for (const m of markers) expect(has(saved, m), m).toBe(true);
    const again = loadModel(saved);
    expect(again.graph.nodes.find((n) => n.opType === 'MatMul')).toMatchObject({
      name: 'renamed',
      extra: matmul.extra,
    });
    expect(again.graph.extra).toEqual(model.graph.extra);
    expect(again.extra).toEqual(model.extra);
  });

  it('leave the model runnable in onnxruntime, with the same outputs', async () => {
    const x = { dtype: 'float32' as const, dims: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
    const before = await run(await createSession(original), { x });
    const after = await run(await createSession(saveModel(loadModel(original))), { x });
    expect([...(after.y.data as Float32Array)]).toEqual([...(before.y.data as Float32Array)]);
  });
});
