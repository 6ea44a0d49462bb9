import { describe, expect, it } from 'vitest';
import { fromNumbers } from '../ir/tensor.js';
import { compareOutputs, compareTensors } from './compare.js';

const t = (dims: number[], v: number[]) => fromNumbers('float32', dims, v);

describe('compareTensors', () => {
  it('reports max abs/rel error and the worst element by coordinates', () => {
    const c = compareTensors(t([2, 2], [1, 2, 3, 4]), t([2, 2], [1, 2, 3.5, 4]), { atol: 0.1, rtol: 0 });
    expect(c).toMatchObject({
      pass: false,
      maxAbs: 0.5,
      worstIndex: 2,
      worstAt: [1, 0],
      mismatches: 1,
      worst: { a: 3, b: 3.5 },
    });
    expect(c.maxRel).toBeCloseTo(0.5 / 3.5);
  });

  it('passes within atol + rtol*|b| and treats equal NaN/Inf as equal', () => {
    expect(
      compareTensors(t([3], [100, NaN, Infinity]), t([3], [100.5, NaN, Infinity]), { atol: 0, rtol: 0.01 }).pass,
      'within rtol 1%, NaN equals NaN and Infinity equals Infinity',
    ).toBe(true);
    expect(compareTensors(t([1], [NaN]), t([1], [0])).pass).toBe(false);
  });

  it('fails shape and dtype mismatches without comparing', () => {
    expect(compareTensors(t([2], [1, 2]), t([1, 2], [1, 2])).reason).toBe('shape [2] vs [1,2]');
    expect(compareTensors(t([1], [1]), fromNumbers('float64', [1], [1])).reason).toBe('dtype float32 vs float64');
  });
});

describe('compareOutputs', () => {
  it('compares every output and lists the ones present on one side only', () => {
    const r = compareOutputs({ y: t([1], [1]), z: t([1], [2]) }, { y: t([1], [1]) });
    expect(r.pass).toBe(false);
    expect(r.missing).toEqual(['z']);
    expect(r.outputs.y).toMatchObject({ pass: true });
  });
});
