/**
 * The measured gates of `check`, each on real evaluation data through onnxruntime:
 * slices (and the aggregate), the monotone sensitivity budget, latency at
 * production batch sizes, calibration freshness of a quantized pruned model.
 */
import { feedsFromEvalSet } from '../analysis/latency.js';
import { latencyGate, type LatencyGateResult } from '../analysis/latency-gate.js';
import { DEFAULT_CAPS, type SensitivityProfile } from '../analysis/profile.js';
import { calibrationFreshness, type FreshnessResult } from '../analysis/quantize/freshness.js';
import { compareSlices, type SliceVerdict } from '../analysis/slices-gate.js';
import type { SliceDef } from '../analysis/slices.js';
import { gatherRows, planBatches } from '../data/batches.js';
import type { EvalSet } from '../data/eval-set.js';
import type { EvalResult } from '../data/evaluate.js';
import type { Finding } from '../findings.js';
import { monotoneSensitivityBudget } from '../invariants/monotone-sensitivity-budget.js';
import type { Model } from '../ir/types.js';
import type { Feeds } from '../runtime/run.js';
import { DEFAULTS, type CheckConfig } from './config.js';
import type { GateOutcome } from './outcome.js';

/** Config slices as the analysis module's slice definitions. */
export function sliceDefs(config: CheckConfig): SliceDef[] {
  return (config.slices ?? []).map((s) => {
    const threshold =
      s.maxDrop !== undefined || s.minMetric !== undefined ? { maxDrop: s.maxDrop, minMetric: s.minMetric } : undefined;
    const t = threshold
      ? { threshold: Object.fromEntries(Object.entries(threshold).filter(([, v]) => v !== undefined)) }
      : {};
    if ('lengths' in s) return { name: s.name, lengths: s.lengths, ...(s.input ? { input: s.input } : {}), ...t };
    if ('labels' in s) return { name: s.name, labels: s.labels, ...t };
    return { name: s.name, ...t };
  });
}

/** Aggregate (accuracy-cliff) and per-slice (slice-regression) outcomes of the slice gate. */
export function sliceGates(
  dense: EvalResult,
  pruned: EvalResult,
  config: CheckConfig,
): { outcomes: GateOutcome[]; verdicts: SliceVerdict[] } {
  const defs = sliceDefs(config);
  const r = compareSlices(dense, pruned, defs, {
    metric: config.metric,
    defaultThreshold: config.defaultThreshold ?? DEFAULTS.defaultThreshold,
    aggregateThreshold: config.aggregate,
  });
  const all = r.verdicts.find((v) => v.slice === 'all')!;
  const desc = (v: SliceVerdict) => `${v.slice} ${v.dense.toFixed(1)}→${v.pruned.toFixed(1)}`;
  // The aggregate collapsing is the seed's accuracy cliff; a slice collapsing under a healthy aggregate is slice
  // regression.
  const aggFindings: Finding[] = r.findings
    .filter((f) => f.where === 'slice all')
    .map((f) => ({ ...f, failureMode: 'accuracy-cliff' }));
  const others = r.verdicts.filter((v) => v.slice !== 'all');
  return {
    verdicts: r.verdicts,
    outcomes: [
      {
        gate: 'aggregate',
        mode: 'accuracy-cliff',
        ran: true,
        findings: aggFindings,
        reason: `${all.metric} on all ${all.count} examples ${all.dense.toFixed(1)}% → ${all.pruned.toFixed(1)}%`,
      },
      others.length
        ? {
            gate: 'slices',
            mode: 'slice-regression',
            ran: true,
            findings: r.findings.filter((f) => f.where !== 'slice all'),
            reason: `${all.metric} per slice: ${others.map(desc).join(', ')}`,
          }
        : {
            gate: 'slices',
            mode: 'slice-regression',
            ran: false,
            findings: [],
            reason: 'found no slices: the data has no slice_<name> arrays and the config defines none',
          },
    ],
  };
}

export interface BudgetGateInput {
  profile: SensitivityProfile;
  ratios: Record<string, number>;
  config: CheckConfig;
}

export function budgetGate({ profile, ratios, config }: BudgetGateInput): GateOutcome {
  const b = { ...DEFAULTS.budget, ...config.budget };
  const measured = new Set(profile.entries.map((e) => e.group));
  const known = Object.fromEntries(Object.entries(ratios).filter(([g]) => measured.has(g)));
  // Units the profile could not measure (attention heads, blocked groups) are reported, not failed on.
  const unmeasured: Finding[] = Object.keys(ratios)
    .filter((g) => !measured.has(g))
    .map((g) => ({
      invariant: 'monotone-sensitivity-budget',
      failureMode: 'accuracy-cliff',
      severity: 'warning',
      where: g,
      message: `${g} is pruned ${(ratios[g] * 100).toFixed(1)}% but has no measured sensitivity: not checked`,
    }));
  const findings = monotoneSensitivityBudget({
    profile,
    ratios: known,
    caps: { ...DEFAULT_CAPS, ...b.caps },
    target: b.target,
    sensitivityTolerance: b.sensitivityTolerance,
    ratioTolerance: b.ratioTolerance,
  });
  const list = profile.entries
    .map((e) => `${e.group} s=${e.sensitivity.toFixed(1)} r=${((ratios[e.group] ?? 0) * 100).toFixed(0)}%`)
    .join(', ');
  return {
    gate: 'monotone-budget',
    mode: 'accuracy-cliff',
    ran: true,
    findings: [...findings, ...unmeasured],
    reason: `sensitivity at ${(b.probeRatio * 100).toFixed(0)}% probes vs plan ratios: ${list}`,
  };
}

export async function latencyOutcome(
  dense: Model,
  pruned: Model,
  data: EvalSet | undefined,
  config: CheckConfig,
): Promise<{ outcome: GateOutcome; result?: LatencyGateResult }> {
  if (!config.latency)
    return {
      outcome: {
        gate: 'latency',
        mode: 'hardware-headroom',
        ran: false,
        findings: [],
        reason: "not configured (add a 'latency' section: timing needs a quiet machine)",
      },
    };
  const l = { ...DEFAULTS.latency, ...config.latency };
  const result = await latencyGate({
    dense,
    pruned,
    productionBatchSizes: l.productionBatchSizes,
    requiredSpeedup: l.requiredSpeedup,
    claimedSpeedup: l.claimedSpeedup,
    claimedAtBatch: l.claimedAtBatch,
    strict: l.strict,
    rounds: l.repetitions,
    warmup: l.warmup,
    dims: l.dims,
    ...(data ? { feeds: feedsFromEvalSet(data, l.sequenceLength) } : {}),
  });
  const text = result.verdicts
    .map(
      (v) =>
        `batch ${v.batchSize}: ${v.speedup.ratio.toFixed(2)}× ` +
        `[${v.speedup.lo.toFixed(2)}, ${v.speedup.hi.toFixed(2)}] ${v.verdict}`,
    )
    .join(', ');
  return {
    result,
    outcome: {
      gate: 'latency',
      mode: 'hardware-headroom',
      ran: true,
      findings: result.findings,
      reason: `speedup vs required ${l.requiredSpeedup}×: ${text}`,
    },
  };
}

/** The first `count` examples of `set` as feeds, batched (by length, so padding never reaches the model). */
export function calibrationBatches(set: EvalSet, count: number, batchSize: number): Feeds[] {
  const out: Feeds[] = [];
  let taken = 0;
  for (const b of planBatches(set, batchSize)) {
    if (taken >= count) break;
    const indices = b.indices.slice(0, count - taken);
    taken += indices.length;
    out.push(
      Object.fromEntries(
        Object.entries(set.inputs).map(([name, t]) => [name, gatherRows(t, indices, b.lengths[name])]),
      ),
    );
  }
  return out;
}

export async function freshnessOutcome(
  quantized: boolean,
  floatModel: Model | undefined,
  pruned: Model,
  data: EvalSet | undefined,
  config: CheckConfig,
): Promise<{ outcome: GateOutcome; result?: FreshnessResult }> {
  const base = { gate: 'calibration-freshness', mode: 'quantization-compounding' as const, findings: [] };
  if (!quantized) return { outcome: { ...base, ran: false, reason: 'the pruned model has no QuantizeLinear nodes' } };
  if (!floatModel)
    return {
      outcome: {
        ...base,
        ran: false,
        reason: 'the pruned model is quantized: set quantization.floatModel to the float pruned model it was made from',
      },
    };
  if (!data) return { outcome: { ...base, ran: false, reason: 'needs --data to run the float model' } };
  const q = { ...DEFAULTS.quantization, ...config.quantization };
  const batches = calibrationBatches(data, q.calibrationExamples, config.batchSize ?? DEFAULTS.batchSize);
  const result = await calibrationFreshness(floatModel, pruned, batches, {
    maxClipped: q.maxClipped,
    minUtilisation: q.minUtilisation,
  });
  const stale = result.tensors.filter((t) => t.stale).length;
  return {
    result,
    outcome: {
      ...base,
      ran: true,
      findings: result.findings,
      reason:
        `${result.tensors.length} quantized ` +
        `activations, ${stale} stale` +
        (result.provenanceMatches === undefined
          ? ''
          : `; calibration recorded on ${result.provenanceMatches ? 'this' : 'another'} model`),
    },
  };
}
