import { describe, expect, it } from 'vitest';
import { PruneguardError } from '../errors.js';
import { halfToFloat } from '../ir/tensor.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { loadModel } from './load.js';
import { DT, encode, identityModelProto } from './protos.test-helpers.js';
import type { onnx } from './proto.test-helpers.js';
import { saveModel } from './save.js';

/** Each dtype written in the typed field ONNX assigns it, plus what the IR must decode. */
const typed: { dtype: string; proto: onnx.ITensorProto; expected: unknown[] }[] = [
  { dtype: 'float32', proto: { dataType: DT.FLOAT, dims: [3], floatData: [1.5, -0, 3.25] }, expected: [1.5, -0, 3.25] },
  { dtype: 'float64', proto: { dataType: DT.DOUBLE, dims: [2], doubleData: [0.1, -1e300] }, expected: [0.1, -1e300] },
  {
    dtype: 'int32',
    proto: { dataType: DT.INT32, dims: [3], int32Data: [-2147483648, 0, 2147483647] },
    expected: [-2147483648, 0, 2147483647],
  },
  {
    dtype: 'int64',
    proto: { dataType: DT.INT64, dims: [3], int64Data: [-5, 0, 9007199254740991] },
    expected: [-5n, 0n, 9007199254740991n],
  },
  { dtype: 'uint8', proto: { dataType: DT.UINT8, dims: [3], int32Data: [0, 128, 255] }, expected: [0, 128, 255] },
  { dtype: 'int8', proto: { dataType: DT.INT8, dims: [3], int32Data: [-128, -1, 127] }, expected: [-128, -1, 127] },
  { dtype: 'bool', proto: { dataType: DT.BOOL, dims: [2, 2], int32Data: [1, 0, 0, 1] }, expected: [1, 0, 0, 1] },
  // float16 travels as its bit pattern in int32_data: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff.
  {
    dtype: 'float16',
    proto: { dataType: DT.FLOAT16, dims: [3], int32Data: [0x3c00, 0xc000, 0x7bff] },
    expected: [0x3c00, 0xc000, 0x7bff],
  },
];

describe('tensor codec: typed fields', () => {
  it.each(typed)('decodes $dtype from its typed field', ({ dtype, proto, expected }) => {
    const t = loadModel(encode(identityModelProto(proto))).graph.initializers.get('w')!;
    expect(t.dtype).toBe(dtype);
    expect(t.dims).toEqual(proto.dims);
    expect(Array.from(t.data as ArrayLike<unknown>)).toEqual(expected);
  });

  // Differential oracle: onnxruntime decodes the same typed field independently.
  it.each(typed)('agrees with onnxruntime on $dtype, before and after re-encoding as raw_data', async ({ proto }) => {
    const bytes = encode(identityModelProto(proto));
    const ours = loadModel(bytes).graph.initializers.get('w')!;
    const before = (await run(await createSession(bytes), {})).y;
    const after = (await run(await createSession(saveModel(loadModel(bytes))), {})).y;
    expect(before.dtype).toBe(ours.dtype);
    expect(Array.from(before.data as ArrayLike<unknown>)).toEqual(Array.from(ours.data as ArrayLike<unknown>));
    expect(Buffer.from((after.data as Uint8Array).buffer)).toEqual(Buffer.from((before.data as Uint8Array).buffer));
  });

  it('reads float16 values, not just bits', () => {
    const t = loadModel(encode(identityModelProto(typed[7].proto))).graph.initializers.get('w')!;
    expect([...(t.data as Uint16Array)].map(halfToFloat)).toEqual([1, -2, 65504]);
  });
});

describe('tensor codec: raw_data', () => {
  it('decodes little-endian raw_data at any byte offset', () => {
    const raw = new Uint8Array(new Float32Array([1, -2, 3.5]).buffer);
    const t = loadModel(
      encode(identityModelProto({ dataType: DT.FLOAT, dims: [3], rawData: raw })),
    ).graph.initializers.get('w')!;
    expect([...(t.data as Float32Array)]).toEqual([1, -2, 3.5]);
    const i64 = loadModel(
      encode(
        identityModelProto({
          dataType: DT.INT64,
          dims: [2],
          rawData: new Uint8Array(new BigInt64Array([-1n, 2n ** 40n]).buffer),
        }),
      ),
    );
    expect([...(i64.graph.initializers.get('w')!.data as BigInt64Array)]).toEqual([-1n, 2n ** 40n]);
  });

  it.each([
    [
      'raw_data of the wrong length',
      { dataType: DT.FLOAT, dims: [3], rawData: new Uint8Array(8) },
      /needs 12 bytes of data, has 8/,
    ],
    [
      'a typed field of the wrong length',
      { dataType: DT.INT64, dims: [2, 2], int64Data: [1, 2, 3] },
      /needs 4 values, int64_data has 3/,
    ],
    ['negative dims', { dataType: DT.FLOAT, dims: [-1], floatData: [] }, /invalid dims \[-1\]/],
    [
      'an element count past 2^31',
      { dataType: DT.FLOAT, dims: [65536, 65536], floatData: [] },
      /claims 4294967296 elements/,
    ],
    [
      'a huge element count with a short typed field',
      { dataType: DT.DOUBLE, dims: [1 << 30], doubleData: [1] },
      /needs 1073741824 values, double_data has 1/,
    ],
    [
      'an unsupported data type',
      { dataType: DT.COMPLEX64, dims: [1], floatData: [1, 2] },
      /unsupported ONNX tensor data type 14/,
    ],
  ])('refuses %s with a PruneguardError', (_what, proto, message) => {
    let err: unknown;
    try {
      loadModel(encode(identityModelProto(proto as onnx.ITensorProto, 17, DT.FLOAT)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PruneguardError);
    expect((err as Error).message).toMatch(message);
  });
});
