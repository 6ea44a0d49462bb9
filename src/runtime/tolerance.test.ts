import { describe, expect, it } from 'vitest';
import { fromNumbers } from '../ir/tensor.js';
import { judgeOutput } from './judge.js';
import { derivedTolerance, EPSILON, TOLERANCE_FLOOR, ULPS } from './tolerance.js';

describe('derivedTolerance', () => {
  it('float32 outputs of ordinary magnitude keep the floor (1e-4, 1e-3); large ones scale with their magnitude', () => {
    expect(derivedTolerance('float32', 3)).toEqual(TOLERANCE_FLOOR);
    expect(derivedTolerance('float32', 1000).atol).toBeCloseTo(ULPS * EPSILON.float32 * 1000, 12);
  });

  it('below magnitude 0.1 the absolute floor shrinks with the output (0.1% of it), so tiny outputs still judge', () => {
    expect(derivedTolerance('float32', 0.1).atol).toBeCloseTo(TOLERANCE_FLOOR.atol, 15);
    expect(derivedTolerance('float32', 3e-10).atol).toBeCloseTo(3e-13, 20);
    expect(derivedTolerance('float32', 0)).toEqual({ atol: 0, rtol: TOLERANCE_FLOOR.rtol });
  });

  it('float16 and bfloat16 are judged by their own epsilon', () => {
    expect(derivedTolerance('float16', 1)).toEqual({ atol: ULPS * 2 ** -10, rtol: ULPS * 2 ** -10 });
    expect(derivedTolerance('bfloat16', 1).rtol).toBe(ULPS * 2 ** -7);
  });
});

describe('judgeOutput', () => {
  // The incident: an fp16 model pruned correctly deviated by 2.8e-3 at magnitude ~1.
  const want = fromNumbers('float32', [4], [1, -0.5, 0.25, 0.9]);
  const rounded = fromNumbers('float32', [4], [1.0028, -0.5, 0.25, 0.9]);
  const wrong = fromNumbers('float32', [4], [1.1, -0.5, 0.25, 0.9]);

  it('a rounding-size deviation fails at float32 precision and passes at float16', () => {
    expect(judgeOutput({ name: 'y', precision: 'float32' }, rounded, want).pass).toBe(false);
    const j = judgeOutput({ name: 'y', precision: 'float16' }, rounded, want);
    expect(j).toMatchObject({ pass: true, judged: 'tolerance' });
    expect(j.basis).toMatch(/float16 precision, magnitude 1\.00/);
  });

  it('a 10% deviation still fails at float16', () => {
    expect(judgeOutput({ name: 'y', precision: 'float16' }, wrong, want).pass).toBe(false);
  });

  it('a given tolerance wins over the derived one', () => {
    expect(
      judgeOutput({ name: 'y', precision: 'float16' }, rounded, want, { tolerance: { atol: 1e-5, rtol: 0 } }).pass,
    ).toBe(false);
  });

  it('outputs behind a decision are judged by agreement: 1 flip in 200 passes 99%, 5 do not', () => {
    const kind = { name: 'label', precision: 'float32' as const, decision: { node: 'argmax', op: 'ArgMax' } };
    const ref = fromNumbers(
      'int64',
      [200],
      Array.from({ length: 200 }, (_, i) => i % 7),
    );
    const flip = (n: number) =>
      fromNumbers(
        'int64',
        [200],
        Array.from({ length: 200 }, (_, i) => (i < n ? (i % 7) + 1 : i % 7)),
      );
    const one = judgeOutput(kind, flip(1), ref);
    expect(one).toMatchObject({ judged: 'agreement', pass: true, agreement: 0.995, threshold: 0.99 });
    expect(one.basis).toMatch(/through ArgMax 'argmax'/);
    expect(judgeOutput(kind, flip(5), ref)).toMatchObject({ pass: false, agreement: 0.975 });
  });

  it('an output of magnitude 1e-10 fails when it is wrong by 20% (a fixed 1e-4 atol passed it)', () => {
    const tiny = fromNumbers('float32', [3], [1e-10, -2e-10, 5e-11]);
    const off = fromNumbers('float32', [3], [1.2e-10, -2e-10, 5e-11]);
    const rounding = fromNumbers('float32', [3], [1e-10 * (1 + 2 ** -22), -2e-10, 5e-11]);
    expect(judgeOutput({ name: 'y', precision: 'float32' }, off, tiny).pass).toBe(false);
    expect(judgeOutput({ name: 'y', precision: 'float32' }, rounding, tiny).pass).toBe(true);
  });

  it('an all-zero reference passes an all-zero output but says it could not have shown an error', () => {
    const zeros = fromNumbers('float32', [3], [0, 0, 0]);
    const j = judgeOutput({ name: 'y', precision: 'float32' }, zeros, zeros);
    expect(j).toMatchObject({ pass: true, maxDeviation: 0 });
    expect(j.uninformative).toMatch(/no nonzero finite value/);
    expect(
      judgeOutput({ name: 'y', precision: 'float32' }, fromNumbers('float32', [3], [0, 1e-6, 0]), zeros).pass,
    ).toBe(false);
  });

  it('a shape difference is a mismatch, never a pass', () => {
    const j = judgeOutput({ name: 'y', precision: 'float32' }, fromNumbers('float32', [3], [1, 2, 3]), want);
    expect(j.pass).toBe(false);
    expect(j.mismatch).toMatch(/shape \[3\] vs \[4\]/);
  });
});
