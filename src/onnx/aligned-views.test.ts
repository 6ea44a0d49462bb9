import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import type { Tensor, TensorData } from '../ir/types.js';
import { loadModel, loadModelFile } from './load.js';
import { DT, encode } from './protos.test-helpers.js';
import { saveModel, saveModelFile } from './save.js';

type Typed = Exclude<TensorData, string[]>;
const bytesOf = (t: Tensor) => {
  const d = t.data as Typed;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
};

/** Initializers whose raw_data lands at every offset modulo 4 (names of 1 to 4 characters shift them). */
function misalignedModel(): Uint8Array {
  const raw = (n: number, seed: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
    return b;
  };
  const names = ['a', 'bb', 'ccc', 'dddd', 'e', 'ff', 'ggg', 'hhhh'];
  const initializer = names.map((name, i) =>
    i < 4
      ? { name, dataType: DT.FLOAT, dims: [8, 4 + i], rawData: raw(4 * 8 * (4 + i), i) }
      : i < 6
        ? { name, dataType: DT.FLOAT16, dims: [70 + i], rawData: raw(2 * (70 + i), i) }
        : { name, dataType: DT.INT64, dims: [20 + i], rawData: raw(8 * (20 + i), i) },
  );
  // Through our own encoder once, so a round trip is byte-identical (protobufjs writes default fields).
  const proto = encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: names.map((n) => ({ opType: 'Identity', input: [n], output: [`${n}_out`] })),
      initializer,
      output: names.map((n) => ({ name: `${n}_out`, type: { tensorType: { elemType: DT.FLOAT } } })),
    },
  });
  return saveModel(loadModel(proto));
}

describe('weights loaded from a file are views of its bytes, aligned in place', () => {
  it(
    'float32 and float16 tensors share the file buffer whatever their offset; values, ' + 'saves and reloads are exact',
    () => {
      const dir = tempDir();
      const bytes = misalignedModel();
      const path = join(dir, 'm.onnx');
      writeFileSync(path, bytes);
      const fromFile = loadModelFile(path);
      const copied = loadModel(bytes);
      const buffers = new Set<ArrayBufferLike>();
      for (const [name, t] of fromFile.graph.initializers) {
        expect(bytesOf(t), name).toEqual(bytesOf(copied.graph.initializers.get(name)!));
        if (t.dtype !== 'int64') buffers.add((t.data as Typed).buffer);
      }
      // One buffer: the file's. No float tensor was copied, though most sat at offsets not divisible by 4.
      expect(buffers.size).toBe(1);
      // Reading moved bytes inside the buffer; saving writes the tensors from their views, identical to the file.
      expect(Buffer.from(saveModel(fromFile))).toEqual(Buffer.from(bytes));
      const again = join(dir, 'again.onnx');
      saveModelFile(fromFile, again);
      expect(readFileSync(again)).toEqual(Buffer.from(bytes));
      for (const [name, t] of loadModelFile(again).graph.initializers)
        expect(bytesOf(t), name).toEqual(bytesOf(copied.graph.initializers.get(name)!));
    },
  );

  it('a tensor never read is saved from the untouched file bytes next to ones that were moved', () => {
    const dir = tempDir();
    const bytes = misalignedModel();
    const path = join(dir, 'm.onnx');
    writeFileSync(path, bytes);
    const m = loadModelFile(path);
    // Read every other tensor: their neighbours' bytes (and field headers) must be unaffected.
    [...m.graph.initializers.values()].forEach((t, i) => i % 2 === 0 && t.data);
    expect(Buffer.from(saveModel(m))).toEqual(Buffer.from(bytes));
  });
});
