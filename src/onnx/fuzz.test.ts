/**
 * Damaged bytes never crash or hang the loader: it returns a model or throws a
 * PruneguardError with a stable code — never a TypeError, RangeError or raw protobufjs error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPruneguardError, type ErrorCode } from '../errors.js';
import { convModel, mlpModel } from '../runtime/tiny-models.test-helpers.js';
import { loadModel } from './load.js';
import { onnx } from './proto.test-helpers.js';
import { saveModel } from './save.js';

const LOAD_CODES: ErrorCode[] = [
  'E_NOT_ONNX',
  'E_CORRUPT_MODEL',
  'E_UNSUPPORTED_DTYPE',
  'E_EXTERNAL_DATA',
  'E_UNSAFE_EXTERNAL_DATA',
];
const fixture = join(import.meta.dirname, '../../fixtures/models/resnet_tiny_op17.onnx');
const seeds = [
  saveModel(mlpModel()),
  saveModel(convModel()),
  ...(existsSync(fixture) ? [new Uint8Array(readFileSync(fixture))] : []),
];

type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  // 0x80 / 0xff build long varints; big values make huge length prefixes and dims.
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % bytes.length;
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      if (out.length) out[at] ^= m.xor;
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      if (out.length) out[at] = m.value;
      return out;
    }
    case 'insert':
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + m.count));
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Loads and classifies: 'ok', or the error code; anything else fails the property. */
function outcome(bytes: Uint8Array): string {
  try {
    loadModel(bytes, { source: 'fuzz.onnx' });
    return 'ok';
  } catch (e) {
    if (!isPruneguardError(e)) throw new Error(`loadModel threw a non-PruneguardError: ${String(e)}`, { cause: e });
    expect(LOAD_CODES).toContain(e.code);
    expect(e.message.startsWith('fuzz.onnx: '), "e.message.startsWith('fuzz.onnx: ')").toBe(true);
    return e.code;
  }
}

describe('loadModel on damaged bytes', () => {
  it('returns a model or throws a PruneguardError for mutated models (time: bench/unit-targets.bench.ts)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.constantFrom(...seeds.keys()), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, ms) => {
        const o = outcome(ms.reduce(apply, seeds[i]));
        seen.set(o, (seen.get(o) ?? 0) + 1);
      }),
      { numRuns: 400, seed: 20240601 },
    );
    // Byte damage mostly breaks the protobuf framing; the structured property below reaches the semantic checks.
    expect(seen.get('E_NOT_ONNX')).toBeGreaterThan(0);
  });

  it('returns a model or throws a PruneguardError for well-framed protos with damaged tensors', () => {
    const damage = fc.record({
      tensor: fc.nat(),
      dims: fc.option(
        fc.array(fc.oneof(fc.integer({ min: -3, max: 8 }), fc.constantFrom(2 ** 31, 2 ** 40, 2 ** 53)), {
          maxLength: 5,
        }),
        { freq: 2 },
      ),
      dataType: fc.option(fc.integer({ min: 0, max: 25 }), { freq: 2 }),
      cut: fc.option(fc.nat(), { freq: 2 }),
      external: fc.constantFrom(null, null, null, null, null, '/etc/passwd', '../x.bin', 'w.bin'),
    });
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...seeds.keys()), damage, (i, d) => {
        const proto = onnx.ModelProto.decode(seeds[i]);
        const inits = proto.graph!.initializer!;
        const t = inits[d.tensor % inits.length];
        if (d.dims) t.dims = d.dims;
        if (d.dataType !== null) t.dataType = d.dataType;
        if (d.cut !== null && t.rawData) t.rawData = t.rawData.subarray(0, d.cut % (t.rawData.length + 1));
        if (d.external !== null) {
          t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
          t.externalData = [{ key: 'location', value: d.external }];
        }
        seen.add(outcome(onnx.ModelProto.encode(proto).finish()));
      }),
      { numRuns: 300, seed: 11 },
    );
    expect([...seen]).toEqual(
      expect.arrayContaining(['ok', 'E_CORRUPT_MODEL', 'E_UNSUPPORTED_DTYPE', 'E_EXTERNAL_DATA']),
    );
  });

  it('handles random bytes and every truncation of a small model', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => void outcome(b)),
      { numRuns: 300, seed: 7 },
    );
    const small = seeds[0];
    for (let n = 0; n < small.length; n++) outcome(small.subarray(0, n));
  });

  it('refuses hostile length prefixes and dims without allocating them', () => {
    // field 7 (graph), length varint 2^35: protobufjs must stop at the end of the buffer.
    expect(outcome(new Uint8Array([0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00]))).toBe('E_NOT_ONNX');
    expect(outcome(new Uint8Array(0))).toBe('E_NOT_ONNX');
    expect(outcome(new TextEncoder().encode('{"not": "onnx"}'))).toBe('E_NOT_ONNX');
  });
});
