/**
 * The hardware-headroom gate for a speedup claim that applies to some ops only (a 2:4 sparse
 * GEMM kernel, a faster attention kernel). Amdahl: if a share p of the end-to-end time is in
 * those ops and they get s times faster, the whole model gets at most 1 / ((1 - p) + p / s)
 * times faster. The share is measured with onnxruntime's per-node profiler at the production
 * batch size (op-profile.ts). Findings (gate `end-to-end-headroom`):
 *  - the claimed end-to-end speedup is above the bound;
 *  - the end-to-end speedup is claimed from a kernel benchmark alone (no end-to-end measurement
 *    and no bound: the seed's "1.9× in an isolated matrix-multiply benchmark").
 */
import type { Finding } from '../findings.js';
import type { OpProfile } from './op-profile.js';

export interface SpeedupClaim {
  /** Speedup of the kernels the claim is about (e.g. 1.9 for a 2:4 GEMM). */
  kernelSpeedup: number;
  /** The ops (onnxruntime op names) those kernels run: e.g. ['MatMul', 'Gemm', 'FusedMatMul', 'FusedGemm']. */
  ops: readonly string[];
  /** The end-to-end speedup claimed for serving. */
  endToEndSpeedup: number;
  /** Where the end-to-end number comes from. */
  basis: 'kernel-benchmark' | 'end-to-end-measurement' | 'amdahl-bound';
  productionBatch: number;
}

export interface HeadroomResult {
  /** Share of end-to-end time in the claim's ops. */
  share: number;
  /** Amdahl's bound on the end-to-end speedup. */
  bound: number;
  findings: Finding[];
}

const F = { invariant: 'end-to-end-headroom', failureMode: 'hardware-headroom' } as const;

export function amdahlBound(share: number, kernelSpeedup: number): number {
  return 1 / (1 - share + share / kernelSpeedup);
}

export function headroomGate(profile: OpProfile, claim: SpeedupClaim): HeadroomResult {
  const inOps = claim.ops.reduce((s, op) => s + (profile.byOp[op] ?? 0), 0);
  const share = Math.min(1, inOps / profile.totalMicros);
  const bound = amdahlBound(share, claim.kernelSpeedup);
  const findings: Finding[] = [];
  const where = `batch ${claim.productionBatch}`;
  if (claim.endToEndSpeedup > bound + 1e-9) {
    findings.push({
      ...F,
      where,
      message:
        `claimed ${claim.endToEndSpeedup.toFixed(2)}× end to end, but only ${(share * 100).toFixed(1)}% of ` +
        `the time at ${where} is in ${claim.ops.join('/')}: a ${claim.kernelSpeedup}× kernel gives at ` +
        `most ${bound.toFixed(2)}× (Amdahl)`,
      expected: `≤ ${bound.toFixed(2)}`,
      received: claim.endToEndSpeedup,
    });
  }
  if (claim.basis === 'kernel-benchmark') {
    findings.push({
      ...F,
      where,
      message:
        `the end-to-end speedup ${claim.endToEndSpeedup.toFixed(2)}× comes from a kernel benchmark alone; ` +
        `the kernels are ${(share * 100).toFixed(1)}% of serving time at ${where}`,
      expected: 'an end-to-end measurement or the Amdahl bound',
      received: claim.basis,
    });
  }
  return { share, bound, findings };
}
