import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromNumbers, toNumbers } from '../ir/tensor.js';
import type { DType, Tensor } from '../ir/types.js';
import { readNpy, writeNpy } from './npy.js';
import { readArraysFile, readNpz, writeNpz } from './npz.js';
import { writeZip } from './zip.js';

const dir = new URL('./testdata/', import.meta.url);
const file = (name: string): string => new URL(name, dir).pathname;

function expectBadData(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn();
  } catch (e) {
    expect((e as { code?: string }).code).toBe('E_BAD_DATA');
    for (const f of fragments) expect((e as Error).message).toContain(f);
    return;
  }
  throw new Error('expected E_BAD_DATA');
}

const samples: [DType, number[], number[]][] = [
  ['float32', [2, 3], [0, 0.25, -1.5, 3, 1e-7, -0]],
  ['float64', [3], [1.5, -2.25, 1e300]],
  ['float16', [3], [0.5, -2, 65504]],
  ['int64', [1, 2], [-(2 ** 40), 7]],
  ['int32', [3], [-3, 4, 5]],
  ['int16', [2], [-300, 300]],
  ['int8', [2], [-128, 127]],
  ['uint8', [2], [0, 255]],
  ['bool', [3], [1, 0, 1]],
  ['float32', [], [3]],
  ['float32', [0, 4], []],
  ['float32', [2, 1, 2, 1], [1, 2, 3, 4]],
];

describe('npy', () => {
  it.each(samples)('round-trips %s %j', (dtype, dims, values) => {
    const t = fromNumbers(dtype, dims, values);
    const back = readNpy(writeNpy(t));
    expect(back.dtype).toBe(dtype);
    expect(back.dims).toEqual(dims);
    expect(toNumbers(back)).toEqual(toNumbers(t));
  });

  it('refuses Fortran order and big-endian data with a reason', () => {
    expectBadData(() => readNpy(readFileSync(file('fortran.npy')), 'fortran.npy'), 'fortran.npy', 'Fortran-order');
    expectBadData(() => readNpy(readFileSync(file('bigendian.npy')), 'bigendian.npy'), 'big-endian');
  });

  it('gives E_BAD_DATA for bad magic, truncated data, bad headers and unsupported dtypes', () => {
    const good = writeNpy(fromNumbers('float32', [4], [1, 2, 3, 4]));
    expectBadData(() => readNpy(new Uint8Array([1, 2, 3]), 'x.npy'), 'x.npy', 'bad magic');
    expectBadData(() => readNpy(good.subarray(0, good.length - 3), 'x.npy'), 'truncated data', 'needs 16 bytes');
    expectBadData(() => readNpy(good.subarray(0, 20), 'x.npy'), 'truncated header');
    const text = new TextDecoder('latin1').decode(good);
    const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expectBadData(() => readNpy(enc(text.replace("'<f4'", "'<c8'"))), "'<c8' is not supported", '<f4');
    expectBadData(() => readNpy(enc(text.replace("'<f4'", "'<U4'"))), 'not supported');
    expectBadData(() => readNpy(enc(text.replace('(4,)', '(x, )'))), 'malformed');
    expectBadData(() => readNpy(enc(text.replace("'shape'", "'shap_'"))), 'malformed header');
    const boolBad = writeNpy(fromNumbers('bool', [2], [1, 0]));
    boolBad[boolBad.length - 1] = 7;
    expectBadData(() => readNpy(boolBad), 'bool element 1');
  });
});

describe('npz', () => {
  function checkNumpyArrays(arrays: Map<string, Tensor>): void {
    expect([...arrays.keys()]).toEqual(['f4', 'f8', 'i8', 'i4', 'i2', 'i1', 'u1', 'b1', 'f2', 'scalar', 'empty']);
    const get = (k: string): Tensor => arrays.get(k)!;
    expect(get('f4')).toMatchObject({ dtype: 'float32', dims: [2, 3] });
    expect(toNumbers(get('f4'))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(toNumbers(get('f8'))).toEqual([1.5, -2.25, 1e300]);
    expect(toNumbers(get('i8'))).toEqual([-(2 ** 40), 7]);
    expect(toNumbers(get('i4'))).toEqual([-3, 4, 5]);
    expect(toNumbers(get('i2'))).toEqual([-300, 300]);
    expect(toNumbers(get('i1'))).toEqual([-128, 127]);
    expect(toNumbers(get('u1'))).toEqual([0, 255]);
    expect(get('b1').dtype).toBe('bool');
    expect(toNumbers(get('b1'))).toEqual([1, 0, 1]);
    expect(get('f2').dtype).toBe('float16');
    expect(toNumbers(get('f2'))).toEqual([0.5, -2, 65504]);
    expect(get('scalar').dims).toEqual([]);
    expect(get('empty').dims).toEqual([0, 4]);
  }

  it('reads numpy-written archives, deflated and stored', () => {
    checkNumpyArrays(readArraysFile(file('dtypes_compressed.npz')));
    checkNumpyArrays(readArraysFile(file('dtypes_stored.npz')));
  });

  it('round-trips its own archives', () => {
    const arrays = readArraysFile(file('dtypes_compressed.npz'));
    checkNumpyArrays(readNpz(writeNpz(arrays)));
  });

  it('gives E_BAD_DATA naming the file and the array for corrupt archives', () => {
    const bytes = new Uint8Array(readFileSync(file('dtypes_compressed.npz')));
    expectBadData(() => readNpz(bytes.subarray(0, bytes.length - 30), 'd.npz'), 'd.npz', 'truncated');
    expectBadData(() => readNpz(bytes.subarray(0, 100), 'd.npz'), 'd.npz');
    expectBadData(() => readNpz(new Uint8Array(10), 'd.npz'), 'not a zip');
    const flipped = bytes.slice();
    flipped[80] ^= 0xff; // inside the first member's deflate stream
    expectBadData(() => readNpz(flipped, 'd.npz'), "member 'f4.npy'");
    const stored = new Uint8Array(readFileSync(file('dtypes_stored.npz')));
    const s2 = stored.slice();
    s2[200] ^= 0x01;
    expectBadData(() => readNpz(s2, 's.npz'), 's.npz', 'CRC');
    // A member whose payload is not a .npy: the message names the file and the array.
    const notNpy = writeZip([{ name: 'labels.npy', data: new TextEncoder().encode('hello') }]);
    expectBadData(() => readNpz(notNpy, 'n.npz'), "n.npz: array 'labels'", 'bad magic');
  });

  it('reports a missing file as E_FILE_NOT_FOUND', () => {
    expect(() => readArraysFile(file('nope.npz'))).toThrow(expect.objectContaining({ code: 'E_FILE_NOT_FOUND' }));
  });

  it('writes archives numpy can load', () => {
    const bytes = writeNpz({
      x: fromNumbers('float32', [2, 2], [1, 2, 3, 4]),
      flag: fromNumbers('bool', [2], [1, 0]),
      n: fromNumbers('int64', [1], [-5]),
    });
    let out: string;
    try {
      out = execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          'import sys,io,numpy as np; d=np.load(io.BytesIO(sys.stdin.buffer.read())); print(sorted((k, ' +
            'd[k].dtype.str, d[k].tolist()) for k in d.files))',
        ],
        { input: bytes },
      ).toString();
    } catch {
      return; // Tests must not need Python: skip the cross-check where numpy is absent.
    }
    expect(out.trim()).toBe(
      "[('flag', '|b1', [True, False]), ('n', '<i8', [-5]), ('x', '<f4', [[1.0, 2.0], [3.0, 4.0]])]",
    );
  });
});

describe('damaged archives (property)', () => {
  it('any truncation or byte corruption gives E_BAD_DATA or a correct read, never a crash', async () => {
    const fc = await import('fast-check');
    const originals = ['dtypes_compressed.npz', 'dtypes_stored.npz'].map((f) => new Uint8Array(readFileSync(file(f))));
    const clean = readNpz(originals[0]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const bytes = originals[which].slice();
          for (const e of edits) bytes[e.at % bytes.length] = e.value;
          const damaged = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          try {
            const arrays = readNpz(damaged, 'fuzz.npz');
            // Accepted: then it must read as the original (edits that hit padding or were no-ops).
            for (const [k, t] of arrays) if (clean.has(k)) expect(t.dims).toEqual(clean.get(k)!.dims);
          } catch (err) {
            if ((err as { code?: string }).code !== 'E_BAD_DATA') throw err;
          }
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});
