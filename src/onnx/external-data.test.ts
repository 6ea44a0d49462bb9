import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { PruneguardError } from '../errors.js';
import { fromOrt } from '../runtime/ort-tensor.js';
import { loadModel, loadModelFile } from './load.js';
import { onnx } from './proto.test-helpers.js';
import { DT, encode, identityModelProto } from './protos.test-helpers.js';
import { saveModel } from './save.js';

const root = mkdtempSync(join(tmpdir(), 'pruneguard-ext-'));
const folder = join(root, 'model');
const outside = join(root, 'outside');
mkdirSync(join(folder, 'data'), { recursive: true });
mkdirSync(outside);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const values = new Float32Array([1, 2, 3, 4, 5, 6]);
const blob = new Uint8Array(8 + values.byteLength); // 8 bytes of padding so the offset matters
blob.set(new Uint8Array(values.buffer), 8);
writeFileSync(join(folder, 'weights.bin'), blob);
writeFileSync(join(folder, 'data', 'w.bin'), blob);
writeFileSync(join(outside, 'secret.bin'), blob);
symlinkSync(join(outside, 'secret.bin'), join(folder, 'escape.bin'));
symlinkSync(outside, join(folder, 'escape-dir'));
symlinkSync(join(folder, 'weights.bin'), join(folder, 'inside-link.bin'));

/** Writes a model whose initializer lives at `location` and returns its path. */
function modelAt(location: string, extra: Record<string, string> = { offset: '8', length: '24' }): string {
  const externalData = [
    { key: 'location', value: location },
    ...Object.entries(extra).map(([key, value]) => ({ key, value })),
  ];
  const path = join(folder, `m-${Math.random().toString(36).slice(2)}.onnx`);
  writeFileSync(
    path,
    encode(
      identityModelProto({
        dataType: DT.FLOAT,
        dims: [2, 3],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData,
      }),
    ),
  );
  return path;
}

function errorOf(f: () => unknown): PruneguardError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PruneguardError);
    return e as PruneguardError;
  }
  throw new Error('expected an error');
}

describe('external data', () => {
  it.each(['weights.bin', 'data/w.bin', './data/../weights.bin', 'inside-link.bin'])(
    'reads %s relative to the model folder',
    (location) => {
      const w = loadModelFile(modelAt(location)).graph.initializers.get('w')!;
      expect(w.dims).toEqual([2, 3]);
      expect([...(w.data as Float32Array)]).toEqual([...values]);
    },
  );

  it('inlines external data so the saved model runs like the original in onnxruntime', async () => {
    const path = modelAt('weights.bin');
    const original = fromOrt((await (await InferenceSession.create(path)).run({})).y);
    const inlined = fromOrt((await (await InferenceSession.create(saveModel(loadModelFile(path)))).run({})).y);
    expect(inlined).toEqual(original);
  });

  it.each([
    ['an absolute path', join(outside, 'secret.bin')],
    ['a .. escape', '../outside/secret.bin'],
    ['a .. escape through a subfolder', 'data/../../outside/secret.bin'],
    ['a symlink escaping the folder', 'escape.bin'],
    ['a symlinked folder escaping', 'escape-dir/secret.bin'],
    ['the folder itself', '.'],
    ['a NUL byte', 'weights.bin\0.txt'],
  ])('refuses %s with E_UNSAFE_EXTERNAL_DATA', (_what, location) => {
    const err = errorOf(() => loadModelFile(modelAt(location)));
    expect(err.code).toBe('E_UNSAFE_EXTERNAL_DATA');
    expect(err.message).toContain('escapes the model folder');
  });

  it.each([
    ['a missing file', 'nope.bin', undefined, /cannot open external data 'nope.bin'/],
    ['a range past the end', 'weights.bin', { offset: '16', length: '24' }, /exceeds 'weights.bin' \(32 bytes\)/],
    ['a negative offset', 'weights.bin', { offset: '-8' }, /bad external offset/],
    [
      'a length that does not fit the dims',
      'weights.bin',
      { offset: '0', length: '32' },
      /needs 24 bytes of data, has 32/,
    ],
  ])('reports %s as a PruneguardError', (_what, location, extra, message) => {
    const err = errorOf(() => loadModelFile(modelAt(location, extra)));
    expect(['E_EXTERNAL_DATA', 'E_CORRUPT_MODEL']).toContain(err.code);
    expect(err.message).toMatch(message);
  });

  it('refuses external data when loading bytes without a base folder, and a base folder that does not exist', () => {
    const bytes = encode(
      identityModelProto({
        dataType: DT.FLOAT,
        dims: [1],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [{ key: 'location', value: 'w.bin' }],
      }),
    );
    expect(errorOf(() => loadModel(bytes)).code).toBe('E_EXTERNAL_DATA');
    expect(errorOf(() => loadModel(bytes, { baseDir: join(root, 'missing') })).code).toBe('E_EXTERNAL_DATA');
  });
});
