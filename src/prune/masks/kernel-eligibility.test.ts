import { describe, expect, it } from 'vitest';
import type { Model } from '../../ir/types.js';
import { convModel, gemmModel, matmulModel } from './graphs.test-helpers.js';
import { KERNEL_FAMILIES } from './kernel-families.js';
import { eligibility } from './kernel-eligibility.js';
import { applyNm } from './nm.js';

const nm = (m: Model, n = 2, size = 4) => applyNm(m, [{ tensor: 'w', n, m: size }]).model;
const verdict = (m: Model, options = {}) => Object.fromEntries(eligibility(m, 'w', options).map((e) => [e.family, e]));

describe('eligibility', () => {
  it('lists every family, onnxruntime CPU never eligible', () => {
    const v = verdict(nm(gemmModel(1, 64, 64, 'float16')));
    expect(Object.keys(v)).toEqual(KERNEL_FAMILIES.map((f) => f.id));
    expect(v['onnxruntime-cpu']).toMatchObject({ eligible: false, reasons: [expect.stringMatching(/no N:M/)] });
  });

  it('accepts a 2:4 fp16 Linear weight [64 out, 64 in] on every CUDA family', () => {
    const v = verdict(nm(gemmModel(1, 64, 64, 'float16')));
    for (const id of ['pytorch-semi-structured-cutlass', 'pytorch-semi-structured-cusparselt', 'nvidia-asp'])
      expect(v[id]).toMatchObject({ eligible: true, reasons: [] });
  });

  it('reads rows/cols from the reduction axis: MatMul [K=64, N=16] has 16 output rows', () => {
    const v = verdict(nm(matmulModel(64, 16, 'float16')));
    expect(v['pytorch-semi-structured-cutlass'].reasons).toEqual([
      'rows (output extent) 16 must be >= 32 and a multiple of 32 for float16',
    ]);
    expect(v['pytorch-semi-structured-cusparselt']).toMatchObject({ eligible: true });
    expect(v['nvidia-asp']).toMatchObject({ eligible: true });
  });

  it('requires 1:2 for fp32 semi-structured kernels, 2:4 for ASP; served dtype overrides', () => {
    const fp32 = nm(gemmModel(1, 64, 64));
    const v = verdict(fp32);
    expect(v['pytorch-semi-structured-cusparselt'].reasons).toEqual([expect.stringMatching(/not 1:2 along axis 1/)]);
    expect(v['nvidia-asp']).toMatchObject({ eligible: true });
    expect(
      verdict(fp32, { dtype: 'float16' })['pytorch-semi-structured-cusparselt'].eligible,
      "verdict(fp32, { dtype: 'float16' })['pytorch-semi-structured-cusparselt'].eligible",
    ).toBe(true);
    expect(
      verdict(nm(gemmModel(1, 64, 64), 1, 2))['pytorch-semi-structured-cusparselt'].eligible,
      "verdict(nm(gemmModel(1, 64, 64), 1, 2))['pytorch-semi-structured-cusparselt'].eligible",
    ).toBe(true);
  });

  it('takes conv weights only through ASP, with dim0 % 8 and dim1 % 16', () => {
    const ok = verdict(nm(convModel(16, 8)));
    expect(ok['nvidia-asp']).toMatchObject({ eligible: true });
    expect(ok['pytorch-semi-structured-cutlass'].reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/consumer Conv/), expect.stringMatching(/rank 4/)]),
    );
    const bad = verdict(nm(convModel(8, 4)));
    expect(bad['nvidia-asp'].reasons).toEqual([
      'rows (output extent) 4 must be >= 8 and a multiple of 8 for float32',
      'cols (reduction extent) 8 must be >= 16 and a multiple of 16 for float32',
    ]);
  });

  it('reports a dense weight as not following the pattern, and small dims as such', () => {
    const v = verdict(matmulModel(8, 12, 'float16'));
    expect(v['nvidia-asp'].reasons).toEqual(expect.arrayContaining([expect.stringMatching(/not 2:4 along axis 0/)]));
    expect(eligibility(matmulModel(8, 12, 'float16'), 'w', { pattern: false }).some((e) => e.eligible)).toBe(false);
  });

  it('marks unconfirmed numbers', () => {
    expect(verdict(nm(gemmModel(1, 64, 64, 'bfloat16')))['nvidia-asp'].unconfirmed).toMatch(/fp32\/fp16 only/);
  });
});
