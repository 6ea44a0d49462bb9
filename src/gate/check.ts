/**
 * `runCheck`: every applicable invariant and gate on one dense/pruned pair,
 * one verdict per failure mode. Bad input (a plan that does not fit the dense
 * model, data that does not match either model, an empty slice, a bad config)
 * is thrown as PruneguardError before anything is measured; what the gates find
 * is returned as data.
 *
 * Which gate runs when:
 *   structure (shape-mismatch)            always; mask-equivalence with a plan
 *   nm-conformance (nm-nonconformance)    plan declares N:M tensors
 *   aggregate (accuracy-cliff)            data
 *   slices (slice-regression)             data with slices (data arrays or config)
 *   monotone-budget (accuracy-cliff)      plan with channel ratios + data
 *   latency (hardware-headroom)           config.latency present
 *   calibration-freshness (quantization-compounding)  quantized pruned model + float model + data
 *
 * @example
 * const { verdicts } = await runCheck({ dense, pruned, plan, data: await loadEvalSet('eval.npz'), config: {} });
 * if (verdicts['slice-regression'].status === 'fail') ...
 */
import type { LatencyGateResult } from '../analysis/latency-gate.js';
import type { SensitivityProfile } from '../analysis/profile.js';
import type { FreshnessResult } from '../analysis/quantize/freshness.js';
import type { SliceVerdict } from '../analysis/slices-gate.js';
import { resolveSlices } from '../analysis/slices.js';
import type { EvalSet } from '../data/eval-set.js';
import { PruneguardError } from '../errors.js';
import { evaluate } from '../data/evaluate.js';
import { bindEvalSet } from '../data/validate.js';
import { failing, type FailureMode, type Finding } from '../findings.js';
import type { Model } from '../ir/types.js';
import type { Feeds } from '../runtime/run.js';
import { analyzeGroups } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { checkPlan } from '../prune/plan-resolve.js';
import { DEFAULTS, type CheckConfig } from './config.js';
import { validateConfig } from './config-schema.js';
import { budgetGate, freshnessOutcome, latencyOutcome, sliceDefs, sliceGates } from './gate-measured.js';
import { structuralGates } from './gate-structural.js';
import { verdicts, type GateOutcome, type ModeVerdict } from './outcome.js';
import { planRatios } from './profile.js';
import { sensitivity as measureSensitivity, type SensitivityOptions } from '../analysis/sensitivity.js';

export interface CheckInput {
  dense: Model;
  pruned: Model;
  /** The plan that produced `pruned` (JSON as read): enables mask-equivalence, nm-conformance, the budget gate. */
  plan?: unknown;
  data?: EvalSet;
  config?: CheckConfig;
  /** The float model a quantized (QDQ) pruned model was made from (CLI: config quantization.floatModel). */
  floatModel?: Model;
  /** A sensitivity profile measured on the dense model (skips measuring one). */
  profile?: SensitivityProfile;
  /** Real inputs for the structural invariants instead of random ones (CLI: --inputs). */
  feeds?: Feeds[];
  /** What messages call the dense model (its file). */
  denseSource?: string;
  /** Measures the profile when none is given (default: the sensitivity sweep of src/analysis/sensitivity.ts). */
  sensitivity?: (dense: Model, data: EvalSet, options: SensitivityOptions) => Promise<SensitivityProfile>;
}

export interface CheckMeasurements {
  /** Input sizes the structural invariants executed at. */
  structuralSizes: Record<string, number[]>[];
  slices?: SliceVerdict[];
  budget?: { profile: SensitivityProfile; ratios: Record<string, number> };
  latency?: LatencyGateResult;
  quantization?: FreshnessResult;
  /** Wall time per gate, ms. */
  timings: Record<string, number>;
}

export interface CheckResult {
  /** No failing finding in any mode. */
  pass: boolean;
  verdicts: Record<FailureMode, ModeVerdict>;
  findings: Finding[];
  measurements: CheckMeasurements;
}

const isQuantized = (m: Model) => m.graph.nodes.some((n) => n.opType === 'QuantizeLinear');

export async function runCheck(input: CheckInput): Promise<CheckResult> {
  const config = validateConfig(input.config ?? {});
  const { dense, pruned } = input;
  // Bad input first, before any measurement.
  const plan: Plan | undefined =
    input.plan === undefined ? undefined : checkPlan(analyzeGroups(dense), input.plan, 'plan').plan;
  let data: EvalSet | undefined;
  if (input.data) {
    data = bindEvalSet(input.data, dense);
    try {
      bindEvalSet(input.data, pruned); // the pruned model must take the same inputs
    } catch (e) {
      if (e instanceof PruneguardError)
        throw new PruneguardError(e.code, `${e.message} (checked against the pruned model)`);
      throw e;
    }
    resolveSlices(data, sliceDefs(config), {
      defaultThreshold: config.defaultThreshold,
      aggregateThreshold: config.aggregate,
    });
  }
  const quantized = isQuantized(pruned);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };
  const outcomes: GateOutcome[] = [];
  const measurements: CheckMeasurements = { structuralSizes: [], timings };

  const structural = await timed('structure', () =>
    structuralGates({
      dense,
      pruned: quantized && input.floatModel ? input.floatModel : pruned,
      plan,
      config: config.structural,
      quantizedOnly: quantized && !input.floatModel,
      feeds: input.feeds,
      denseSource: input.denseSource,
    }),
  );
  outcomes.push(...structural.outcomes);
  measurements.structuralSizes = structural.sizes;

  if (data) {
    const set = data;
    const opts = { batchSize: config.batchSize ?? DEFAULTS.batchSize, outputName: config.outputName };
    const [d, p] = await timed('evaluate', async () => [
      await evaluate(dense, set, opts),
      await evaluate(pruned, set, opts),
    ]);
    const s = sliceGates(d, p, config);
    outcomes.push(...s.outcomes);
    measurements.slices = s.verdicts;
    const ratios = plan ? planRatios(analyzeGroups(dense), plan) : {};
    if (Object.keys(ratios).length) {
      const metric = config.metric ?? (d.labels ? 'accuracy' : 'agreement');
      const b = { ...DEFAULTS.budget, ...config.budget };
      const profile =
        input.profile ??
        (await timed('sensitivity', () =>
          (input.sensitivity ?? measureSensitivity)(dense, set, {
            ratios: [b.probeRatio],
            metric,
            heads: true,
            slices: Object.keys(set.slices).length > 0,
            ...(opts.outputName ? { outputName: opts.outputName } : {}),
          }),
        ));
      outcomes.push(budgetGate({ profile, ratios, config }));
      measurements.budget = { profile, ratios };
    } else {
      outcomes.push({
        gate: 'monotone-budget',
        mode: 'accuracy-cliff',
        ran: false,
        findings: [],
        reason: plan ? 'the plan prunes no channel groups or heads' : 'needs --plan (the ratios to check)',
      });
    }
  } else {
    outcomes.push(
      { gate: 'aggregate', mode: 'accuracy-cliff', ran: false, findings: [], reason: 'needs --data' },
      { gate: 'monotone-budget', mode: 'accuracy-cliff', ran: false, findings: [], reason: 'needs --plan and --data' },
      { gate: 'slices', mode: 'slice-regression', ran: false, findings: [], reason: 'needs --data' },
    );
  }

  const latency = await timed('latency', () => latencyOutcome(dense, pruned, data, config));
  outcomes.push(latency.outcome);
  if (latency.result) measurements.latency = latency.result;

  const fresh = await timed('calibration-freshness', () =>
    freshnessOutcome(quantized, input.floatModel, pruned, data, config),
  );
  outcomes.push(fresh.outcome);
  if (fresh.result) measurements.quantization = fresh.result;

  const findings = outcomes.flatMap((o) => o.findings);
  return { pass: failing(findings).length === 0, verdicts: verdicts(outcomes), findings, measurements };
}
