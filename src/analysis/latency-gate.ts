/**
 * The latency gate: speed is accepted only where it is served. The speedup
 * is measured at every production batch size (and at the batch size a claim
 * came from, to show the offline-vs-production gap).
 *
 * Decision rule, per production batch size, on the bootstrap CI [lo, hi] of
 * speedup = median(dense ms) / median(pruned ms):
 *   - pass          lo ≥ required (faster than required, with confidence)
 *   - fail          hi < required (slower than required, with confidence)
 *   - inconclusive  otherwise (the CI straddles the requirement). Not a
 *                   finding by default (noise must not fail a release);
 *                   with `strict: true` it fails (the speedup must be shown).
 */
import { PruneguardError } from '../errors.js';
import type { Finding } from '../findings.js';
import type { RatioInterval } from './latency-stats.js';
import {
  measureLatency,
  type LatencyMeasurement,
  type LatencyOptions,
  type LatencySettings,
  type ModelInput,
} from './latency.js';

export interface LatencyRequirement {
  /** Batch sizes the model is served at (default [1]). */
  productionBatchSizes?: readonly number[];
  /** Smallest acceptable speedup at production batch sizes (1 = "not slower"). */
  requiredSpeedup: number;
  /** The speedup someone claimed (e.g. from an offline benchmark)... */
  claimedSpeedup?: number;
  /** ...and the batch size it was measured at. */
  claimedAtBatch?: number;
  /** Fail inconclusive results too (see the rule above). Default false. */
  strict?: boolean;
}

export type LatencyVerdict = 'pass' | 'fail' | 'inconclusive';

export interface ProductionVerdict {
  batchSize: number;
  speedup: RatioInterval;
  verdict: LatencyVerdict;
}

export interface LatencyGap {
  claimedSpeedup?: number;
  claimedAtBatch: number;
  /** Measured here at the claimed batch size. */
  measuredAtClaimedBatch: RatioInterval;
  /** The claim lies inside or below the measured CI at its batch size. */
  claimReproduced?: boolean;
  /** Measured speedup at the claimed batch ÷ at each production batch: > 1 means production sees less of it. */
  offlineOverProduction: { batchSize: number; ratio: number }[];
}

const x = (v: number): string => `${v.toFixed(2)}×`;
const ci = (s: RatioInterval): string => `${x(s.ratio)} [${s.lo.toFixed(2)}, ${s.hi.toFixed(2)}]`;

/** Applies the rule to measurements (pure: no timing, testable on synthetic numbers). */
export function judgeLatency(
  measurements: readonly LatencyMeasurement[],
  req: LatencyRequirement,
): { verdicts: ProductionVerdict[]; gap?: LatencyGap; findings: Finding[] } {
  const production = req.productionBatchSizes ?? [1];
  const at = (b: number): LatencyMeasurement => {
    const m = measurements.find((m) => m.batchSize === b);
    if (!m)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `no latency measurement at batch size ${b} (measured: ${measurements.map((m) => m.batchSize).join(', ')})`,
      );
    return m;
  };
  const verdicts = production.map((b): ProductionVerdict => {
    const s = at(b).speedup;
    return {
      batchSize: b,
      speedup: s,
      verdict: s.lo >= req.requiredSpeedup ? 'pass' : s.hi < req.requiredSpeedup ? 'fail' : 'inconclusive',
    };
  });
  let gap: LatencyGap | undefined;
  if (req.claimedAtBatch !== undefined) {
    const m = at(req.claimedAtBatch).speedup;
    gap = {
      claimedSpeedup: req.claimedSpeedup,
      claimedAtBatch: req.claimedAtBatch,
      measuredAtClaimedBatch: m,
      claimReproduced: req.claimedSpeedup === undefined ? undefined : req.claimedSpeedup <= m.hi,
      offlineOverProduction: verdicts.map((v) => ({ batchSize: v.batchSize, ratio: m.ratio / v.speedup.ratio })),
    };
  }
  const claimText = gap
    ? `; ${gap.claimedSpeedup !== undefined ? `claimed ${x(gap.claimedSpeedup)}` : 'offline'} at ` +
      `batch ${gap.claimedAtBatch}, measured there ${ci(gap.measuredAtClaimedBatch)}`
    : '';
  const findings: Finding[] = verdicts
    .filter((v) => v.verdict === 'fail' || (req.strict && v.verdict === 'inconclusive'))
    .map((v) => ({
      invariant: 'latency-at-production-batch',
      failureMode: 'hardware-headroom',
      message:
        `at production batch ${v.batchSize} the pruned model's speedup ` +
        `is ${ci(v.speedup)} (${Math.round(v.speedup.level * 100)}% ` +
        `CI), ${v.verdict === 'fail' ? 'below' : 'not shown to reach'} the ` +
        `required ${x(req.requiredSpeedup)}${claimText}`,
      expected: { speedupAtLeast: req.requiredSpeedup, batchSize: v.batchSize },
      received: { speedup: v.speedup.ratio, ci: [v.speedup.lo, v.speedup.hi], verdict: v.verdict },
      where: `batch ${v.batchSize}`,
    }));
  return { verdicts, gap, findings };
}

export interface LatencyGateInput extends LatencyRequirement, Omit<LatencyOptions, 'batchSizes'> {
  dense: ModelInput;
  pruned: ModelInput;
}

export interface LatencyGateResult {
  settings: LatencySettings;
  measurements: LatencyMeasurement[];
  verdicts: ProductionVerdict[];
  gap?: LatencyGap;
  findings: Finding[];
}

/**
 * Measures at the production batch sizes and the claimed one, then judges.
 * @example
 * const { findings, gap } = await latencyGate({
 *   dense, pruned, productionBatchSizes: [1], requiredSpeedup: 1.3, claimedSpeedup: 2, claimedAtBatch: 64,
 * });
 */
export async function latencyGate(input: LatencyGateInput): Promise<LatencyGateResult> {
  const {
    dense,
    pruned,
    productionBatchSizes = [1],
    requiredSpeedup,
    claimedSpeedup,
    claimedAtBatch,
    strict,
    ...options
  } = input;
  if (!(requiredSpeedup > 0))
    throw new PruneguardError('E_BAD_ARGUMENT', `requiredSpeedup must be > 0, got ${requiredSpeedup}`);
  if (claimedSpeedup !== undefined && claimedAtBatch === undefined)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      'claimedSpeedup needs claimedAtBatch (the batch size the claim was measured at)',
    );
  const batchSizes = [...new Set([...productionBatchSizes, ...(claimedAtBatch !== undefined ? [claimedAtBatch] : [])])];
  const { settings, measurements } = await measureLatency(dense, pruned, { ...options, batchSizes });
  return {
    settings,
    measurements,
    ...judgeLatency(measurements, { productionBatchSizes, requiredSpeedup, claimedSpeedup, claimedAtBatch, strict }),
  };
}
