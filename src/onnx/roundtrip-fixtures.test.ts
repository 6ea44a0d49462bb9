/**
 * Every fixture survives load → save byte-for-byte (exporters write fields in number order, as
 * pruneguard does), with identical protos through an independent decoder and bit-identical
 * onnxruntime outputs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { loadModel, loadModelFile } from './load.js';
import { onnx } from './proto.test-helpers.js';
import { saveModel } from './save.js';

const dir = join(import.meta.dirname, '../../fixtures/models');
const manifestPath = join(dir, 'manifest.json');
interface Entry {
  file: string;
  sizes: Record<string, number[]>[];
  vocab?: number;
}
// committed: a missing manifest fails the file
const entries: Entry[] = JSON.parse(readFileSync(manifestPath, 'utf8')).models;
const asObject = (bytes: Uint8Array) =>
  onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: String, bytes: String });

it('finds the committed fixture models', () => {
  expect(entries.length, 'models listed in the committed manifest').toBeGreaterThan(0);
});

describe('fixture round trip', () => {
  it.each(entries.map((e) => [e.file, e] as const))(
    '%s: same bytes, same proto, bit-identical outputs',
    async (file, entry) => {
      const bytes = readFileSync(join(dir, file));
      expect(Buffer.from(saveModel(loadModelFile(join(dir, file)))).equals(bytes), 'the bytes are identical').toBe(
        true,
      );
      const model = loadModel(bytes, { source: file });
      const saved = saveModel(model);
      expect(asObject(saved)).toEqual(asObject(bytes));
      const feeds = randomInputs(model, entry.sizes[entry.sizes.length - 1], { seed: 17, vocab: entry.vocab });
      const before = await run(await createSession(bytes), feeds);
      const after = await run(await createSession(saved), feeds);
      for (const name of Object.keys(before)) {
        const b = before[name].data as Float32Array,
          a = after[name].data as Float32Array;
        expect(
          Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
          'Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))',
        ).toBe(true);
      }
    },
  );
});
