import { describe, expect, it } from 'vitest';
import { addDims, differentDims, divDims, mulDims, normalizeDim, productDims, sameDim, subDims } from './dims.js';

describe('dim arithmetic', () => {
  it('keeps symbols as canonical polynomials', () => {
    expect(addDims('seq', 'seq')).toBe('2*seq');
    expect(mulDims('seq', 'batch')).toBe('batch*seq');
    expect(subDims('seq', 1)).toBe('seq-1');
    expect(addDims('seq-1', 1)).toBe('seq');
    expect(subDims('seq', 'seq')).toBe(0);
    expect(normalizeDim('seq + seq')).toBe('2*seq');
  });
  it('divides exactly or answers null, never a wrong number', () => {
    expect(divDims(productDims(['batch', 'seq', 32]), productDims(['batch', 'seq', 4]))).toBe(8);
    expect(divDims('2*seq', 2)).toBe('seq');
    expect(divDims('seq', 2)).toBeNull();
    expect(divDims(7, 2)).toBeNull();
    expect(divDims('batch*seq', 'seq')).toBe('batch');
    expect(productDims(['batch', null])).toBeNull();
  });
  it('compares symbolically', () => {
    expect(sameDim('seq+seq', '2*seq'), "sameDim('seq+seq', '2*seq')").toBe(true);
    expect(differentDims('seq', 'seq+1'), "differentDims('seq', 'seq+1')").toBe(true);
    expect(differentDims('seq', 'batch')).toBe(false);
    expect(differentDims(3, 4), 'differentDims(3, 4)').toBe(true);
  });
});
