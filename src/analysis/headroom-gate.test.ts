import { describe, expect, it } from 'vitest';
import { amdahlBound, headroomGate } from './headroom-gate.js';
import { summarize } from './op-profile.js';

const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur });
const node = (ts: number, dur: number, op: string) => ({
  cat: 'Node',
  name: `n${ts}_kernel_time`,
  ts,
  dur,
  args: { op_name: op },
});

describe('op profile from an onnxruntime trace', () => {
  it('drops the warm-up runs and averages per measured run', () => {
    const events = [
      run(0, 1000),
      node(10, 900, 'Gemm'),
      run(2000, 100),
      node(2010, 40, 'Gemm'),
      node(2050, 50, 'Gather'),
      run(3000, 120),
      node(3010, 60, 'Gemm'),
      node(3070, 50, 'Gather'),
    ];
    expect(summarize(events, 1)).toEqual({ runs: 2, totalMicros: 110, byOp: { Gemm: 50, Gather: 50 } });
  });
  it('says when no run is left after the warm-up', () => {
    expect(() => summarize([run(0, 10)], 1)).toThrow(/1 runs, none after the 1 warm-up/);
  });
});

describe('end-to-end headroom (Amdahl)', () => {
  it('bounds the end-to-end gain by the share of time the faster kernels take', () => {
    expect(amdahlBound(0.5, 2)).toBeCloseTo(4 / 3);
    expect(amdahlBound(1, 1.9)).toBeCloseTo(1.9);
    expect(amdahlBound(0, 10)).toBe(1);
  });
  const profile = { runs: 10, totalMicros: 1000, byOp: { Gather: 500, Gemm: 300, FusedMatMul: 100, Add: 50 } };
  const claim = { kernelSpeedup: 1.9, ops: ['Gemm', 'FusedMatMul'], productionBatch: 256 };
  it('catches a kernel speedup carried to the whole model, from a kernel benchmark', () => {
    const r = headroomGate(profile, { ...claim, endToEndSpeedup: 1.9, basis: 'kernel-benchmark' });
    expect(r.share).toBeCloseTo(0.4);
    expect(r.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/claimed 1.90× end to end, but only 40.0% .* at most 1.23×/),
      expect.stringMatching(/comes from a kernel benchmark alone/),
    ]);
  });
  it('passes a claim within the bound that is not from a kernel benchmark', () => {
    expect(headroomGate(profile, { ...claim, endToEndSpeedup: 1.2, basis: 'end-to-end-measurement' }).findings).toEqual(
      [],
    );
  });
});
