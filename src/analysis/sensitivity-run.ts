/**
 * Evaluation for the sweep: the data is cut into batches and converted to
 * onnxruntime tensors once, then every variant is one `run` per batch on a warm
 * session with extra feeds (the gates). Nothing per variant but the gate
 * vectors and the output copy is allocated, so the sweep costs what the
 * forward passes cost.
 */
import { InferenceSession, type Tensor as OrtTensor } from 'onnxruntime-node';
import { gatherRows, planBatches } from '../data/batches.js';
import type { EvalSet } from '../data/eval-set.js';
import { checkLabels, predictionsOf } from '../data/evaluate.js';
import { PruneguardError } from '../errors.js';
import { toFloat32 } from '../ir/tensor.js';
import { fromOrt, toOrt } from '../runtime/ort-tensor.js';
import { wrapRuntimeError } from '../runtime/runtime-error.js';
import { ORT_LOG_SEVERITY } from '../runtime/session.js';
import { computeMetrics, type Evaluated } from './metrics.js';

export interface PreparedData {
  count: number;
  labels?: Int32Array;
  batches: { indices: Int32Array; feeds: Record<string, OrtTensor> }[];
}

/** Batches of a bound evaluation set (see bindEvalSet), grouped by length, as onnxruntime tensors. */
export function prepareData(set: EvalSet, batchSize: number): PreparedData {
  const batches = planBatches(set, batchSize).map((b) => ({
    indices: b.indices,
    feeds: Object.fromEntries(
      Object.entries(set.inputs).map(([name, t]) => [name, toOrt(gatherRows(t, b.indices, b.lengths[name]), name)]),
    ),
  }));
  return { count: set.count, labels: set.labels, batches };
}

/** Per-batch feeds: the batch's data tensors, plus whatever the variant adds. */
export type FeedsOf = (batch: number, data: Record<string, OrtTensor>) => Record<string, OrtTensor>;

/**
 * Runs every batch and returns the outputs in example order; `keep` names more
 * outputs to return per batch (the dense pass keeps the cut values for suffixes).
 */
export async function runPrepared(
  session: InferenceSession,
  data: PreparedData,
  outputName: string,
  feedsOf: FeedsOf,
  source = 'model',
  keep: readonly string[] = [],
): Promise<{ result: Evaluated; kept: Record<string, OrtTensor>[] }> {
  let outputs: Float32Array | undefined;
  let width = 0;
  const kept: Record<string, OrtTensor>[] = [];
  for (const [i, b] of data.batches.entries()) {
    let result: Record<string, OrtTensor>;
    try {
      result = await session.run(feedsOf(i, b.feeds), [outputName, ...keep]);
    } catch (e) {
      throw wrapRuntimeError(e, `${source}: onnxruntime failed during the sensitivity sweep`);
    }
    if (keep.length) kept.push(Object.fromEntries(keep.map((k) => [k, result[k]])));
    const t = result[outputName];
    const n = b.indices.length;
    if (t.dims[0] !== n)
      throw new PruneguardError(
        'E_RUNTIME',
        `${source}: output '${outputName}' has batch ${t.dims[0]} for ${n} examples (shape [${t.dims.join(',')}])`,
      );
    const values = t.type === 'float32' ? (t.data as Float32Array) : toFloat32(fromOrt(t));
    const w = values.length / n;
    if (!outputs) {
      width = w;
      outputs = new Float32Array(data.count * w);
    } else if (w !== width)
      throw new PruneguardError(
        'E_RUNTIME',
        `${source}: output '${outputName}' has ${w} values per example, earlier batches had ${width}`,
      );
    for (let r = 0; r < n; r++) outputs.set(values.subarray(r * w, (r + 1) * w), b.indices[r] * w);
  }
  outputs ??= new Float32Array(0);
  checkLabels(data.labels, width, outputName);
  return {
    result: {
      count: data.count,
      width,
      outputs,
      predictions: predictionsOf(outputs, data.count, width),
      labels: data.labels,
    },
    kept,
  };
}

export type SweepMetric = 'accuracy' | 'agreement';

/** The metric in points (0–100) on `indices` (default all): top-1 accuracy, or agreement with the dense predictions. */
function metricOn(result: Evaluated, metric: SweepMetric, dense: Evaluated | undefined, indices?: Int32Array): number {
  if (metric === 'accuracy') return 100 * computeMetrics(result, undefined, indices).accuracy!;
  if (!dense) return 100;
  let agree = 0;
  const n = indices ? indices.length : result.count;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k] : k;
    if (result.predictions[i] === dense.predictions[i]) agree++;
  }
  return n ? (100 * agree) / n : 100;
}

/**
 * The score of a variant. Without slices: the metric on every example. With
 * slices: the dense score minus the variant's *worst* drop over the aggregate
 * and every slice, so a group whose removal collapses a rare class counts as
 * sensitive even when the aggregate barely moves.
 */
export function score(
  result: Evaluated,
  metric: SweepMetric,
  dense?: Evaluated,
  slices?: ReadonlyMap<string, Int32Array>,
): number {
  const all = metricOn(result, metric, dense);
  if (!dense || !slices?.size) return all;
  const denseAll = metricOn(dense, metric, dense);
  let worst = denseAll - all;
  for (const idx of slices.values())
    worst = Math.max(worst, metricOn(dense, metric, dense, idx) - metricOn(result, metric, dense, idx));
  return denseAll - worst;
}

export function createOrtSession(bytes: Uint8Array, threads = 1): Promise<InferenceSession> {
  return InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    logSeverityLevel: ORT_LOG_SEVERITY,
  });
}
