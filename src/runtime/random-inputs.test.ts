import { describe, expect, it } from 'vitest';
import type { PruneguardError } from '../errors.js';
import { randomInputs } from './random-inputs.js';
import { convModel, embeddingModel, vi } from './tiny-models.test-helpers.js';

describe('randomInputs', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = randomInputs(convModel(), { x: [2, 3, 8, 8] }, { seed: 7 });
    const b = randomInputs(convModel(), { x: [2, 3, 8, 8] }, { seed: 7 });
    const c = randomInputs(convModel(), { x: [2, 3, 8, 8] }, { seed: 8 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.x.data).not.toEqual(c.x.data);
    expect(a.x.dims).toEqual([2, 3, 8, 8]);
  });

  it('keeps floats in floatRange and token ids in [0, vocab)', () => {
    const f = randomInputs(convModel(), { x: [1, 3, 8, 8] }, { seed: 1, floatRange: [2, 3] });
    expect([...(f.x.data as Float32Array)].filter((v) => !(v >= 2 && v < 3))).toEqual([]);
    const t = randomInputs(embeddingModel(), { tokens: [4, 50] }, { seed: 1, vocab: 7 });
    const ids = [...(t.tokens.data as BigInt64Array)].map(Number);
    expect(t.tokens.dtype).toBe('int64');
    expect(ids.filter((v) => !(v >= 0 && v < 7))).toEqual([]);
    expect(new Set(ids).size).toBe(7);
  });

  it('draws each input from its own stream, fills symbolic dims by name, and handles int32/bool/float16', () => {
    const specs = [vi('a', 'int32', [2, 'n']), vi('b', 'bool', [5]), vi('h', 'float16', ['n'])];
    const both = randomInputs(specs, {}, { seed: 3, dims: { n: 4 } });
    const alone = randomInputs([specs[1]], {}, { seed: 3 });
    expect(both.b.data).toEqual(alone.b.data);
    expect(both.a.dims).toEqual([2, 4]);
    expect(both.h.data).toBeInstanceOf(Uint16Array);
    expect([...(both.b.data as Uint8Array)].filter((v) => !(v === 0 || v === 1))).toEqual([]);
  });

  it('refuses missing, clashing and unknown sizes with E_BAD_ARGUMENT', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as PruneguardError).code + ': ' + (e as Error).message;
      }
    };
    expect(codeOf(() => randomInputs(convModel(), {}, { seed: 1 }))).toMatch(
      /E_BAD_ARGUMENT.*'x' has shape \[batch,3,8,8\]/,
    );
    expect(codeOf(() => randomInputs(convModel(), { x: [1, 4, 8, 8] }, { seed: 1 }))).toMatch(/do not fit/);
    expect(codeOf(() => randomInputs(convModel(), { y: [1] }, { seed: 1 }))).toMatch(/'y', which is not an input/);
  });
});
