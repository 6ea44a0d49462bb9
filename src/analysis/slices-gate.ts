/**
 * The slice gate: every slice's dense and pruned metric, and a finding for
 * each slice over its threshold — even when the aggregate passes, which is
 * exactly the seed's "aggregate holds, a slice collapses".
 */
import { PruneguardError } from '../errors.js';
import type { EvalResult } from '../data/evaluate.js';
import type { Finding } from '../findings.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { DEFAULT_THRESHOLD, resolveSlices, type ResolveOptions, type SliceDef, type SliceThreshold } from './slices.js';

export type SliceMetricName = 'accuracy' | 'agreement';

export interface SliceVerdict {
  slice: string;
  count: number;
  metric: SliceMetricName;
  /** Points (0–100). */
  dense: number;
  pruned: number;
  /** dense − pruned, points. */
  drop: number;
  /** The rule applied (the default filled in). */
  threshold: SliceThreshold;
  pass: boolean;
}

export interface SliceGateResult {
  verdicts: SliceVerdict[];
  findings: Finding[];
}

export interface SliceGateOptions {
  /** Default: accuracy when both sides have labels, else agreement with the dense model. */
  metric?: SliceMetricName;
  defaultThreshold?: SliceThreshold;
}

const pts = (v: number): string => `${v.toFixed(1)}%`;

function value(m: Metrics, metric: SliceMetricName, side: string, slice: string): number {
  // The dense model agrees with itself: its agreement is 1 when not computed.
  const v = metric === 'agreement' ? (m.agreement ?? (side === 'dense' ? 1 : undefined)) : m.accuracy;
  if (v === undefined)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `slice '${slice}': the ${side} metrics have ` +
        `no ${metric}${metric === 'accuracy' ? ' (no labels)' : ' (evaluate with the dense result as reference)'}`,
    );
  return v * 100;
}

/**
 * A slice fails when its drop exceeds `maxDrop` or its pruned metric is below
 * `minMetric`; with neither set, `maxDrop` is 2 points.
 * @param dense metrics per slice name (e.g. from `sliceMetrics`)
 * @param thresholds per slice name; others get `options.defaultThreshold`
 */
export function sliceGate(
  dense: Record<string, Metrics>,
  pruned: Record<string, Metrics>,
  thresholds: Record<string, SliceThreshold> = {},
  options: SliceGateOptions = {},
): SliceGateResult {
  const names = Object.keys(dense);
  const missing = names.filter((n) => !(n in pruned));
  if (missing.length) throw new PruneguardError('E_BAD_ARGUMENT', `pruned metrics lack slice(s) ${missing.join(', ')}`);
  const metric =
    options.metric ??
    (names.every((n) => dense[n].accuracy !== undefined && pruned[n].accuracy !== undefined)
      ? 'accuracy'
      : 'agreement');
  const verdicts: SliceVerdict[] = names.map((slice) => {
    const d = value(dense[slice], metric, 'dense', slice);
    const p = value(pruned[slice], metric, 'pruned', slice);
    const t = thresholds[slice] ?? options.defaultThreshold ?? DEFAULT_THRESHOLD;
    const rule = t.maxDrop === undefined && t.minMetric === undefined ? { ...DEFAULT_THRESHOLD } : t;
    const eps = 1e-9; // a drop of exactly maxDrop passes despite float noise
    const overDrop = rule.maxDrop !== undefined && d - p > rule.maxDrop + eps;
    const underMin = rule.minMetric !== undefined && p < rule.minMetric - eps;
    return {
      slice,
      count: pruned[slice].count,
      metric,
      dense: d,
      pruned: p,
      drop: d - p,
      threshold: rule,
      pass: !(overDrop || underMin),
    };
  });
  const all = verdicts.find((v) => v.slice === 'all');
  const findings: Finding[] = verdicts
    .filter((v) => !v.pass)
    .map((v) => {
      const { maxDrop, minMetric } = v.threshold;
      const limits = [
        maxDrop !== undefined ? `drop ≤ ${maxDrop} points` : '',
        minMetric !== undefined ? `${v.metric} ≥ ${pts(minMetric)}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      const aggregate =
        all && v.slice !== 'all'
          ? `; aggregate ${all.pass ? 'passes' : 'fails'} (${pts(all.dense)} → ${pts(all.pruned)})`
          : '';
      return {
        invariant: 'slice-threshold',
        failureMode: 'slice-regression',
        message:
          `slice '${v.slice}' (${v.count} examples): ${v.metric} ${pts(v.dense)} dense ` +
          `→ ${pts(v.pruned)} pruned, drop ${v.drop.toFixed(1)} points; allowed ${limits}${aggregate}`,
        expected: v.threshold,
        received: { metric: v.metric, dense: v.dense, pruned: v.pruned, drop: v.drop },
        where: `slice ${v.slice}`,
      } satisfies Finding;
    });
  return { verdicts, findings };
}

/** Metrics of every slice; `reference` (the dense result) adds agreement and divergence. */
export function sliceMetrics(
  result: EvalResult,
  slices: ReturnType<typeof resolveSlices>,
  reference?: EvalResult,
): Record<string, Metrics> {
  return Object.fromEntries(slices.map((s) => [s.name, computeMetrics(result, reference, s.indices)]));
}

/**
 * Resolves slices on the dense result, measures both models per slice and runs the gate.
 * @example const { verdicts, findings } = compareSlices(await evaluate(dense, set), await evaluate(pruned, set), [{
 * name: 'rare', labels: [8] }]);
 */
export function compareSlices(
  dense: EvalResult,
  pruned: EvalResult,
  defs: readonly SliceDef[] = [],
  options: ResolveOptions & SliceGateOptions = {},
): SliceGateResult & { dense: Record<string, Metrics>; pruned: Record<string, Metrics> } {
  const slices = resolveSlices(dense, defs, options);
  const d = sliceMetrics(dense, slices, dense);
  const p = sliceMetrics(pruned, slices, dense);
  const gate = sliceGate(d, p, Object.fromEntries(slices.map((s) => [s.name, s.threshold])), options);
  return { ...gate, dense: d, pruned: p };
}
