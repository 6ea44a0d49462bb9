/**
 * Runs a model over evaluation data and collects the logits in example order.
 * Accepts an EvalSet (batched here, grouped by length) or a stream of
 * ready-made batches for users whose data does not fit in memory.
 */
import { PruneguardError } from '../errors.js';
import { toFloat32 } from '../ir/tensor.js';
import type { Model, Tensor } from '../ir/types.js';
import { loadModel } from '../onnx/load.js';
import { createSession, releaseSession, run, type Feeds, type Session, type SessionOptions } from '../runtime/index.js';
import { gatherRows, planBatches } from './batches.js';
import type { EvalSet } from './eval-set.js';
import { bindEvalSet, checkEvalSet, feedInputs, formatIssues } from './validate.js';

/** One batch of a user's stream. */
export interface StreamBatch {
  feeds: Feeds;
  labels?: ArrayLike<number>;
  /** Slice membership of this batch's examples (bool or 0/1 per example). */
  slices?: Record<string, ArrayLike<number | boolean>>;
}

/** Evaluation data: a set in memory or a stream of batches. */
export type EvalData = EvalSet | AsyncIterable<StreamBatch> | Iterable<StreamBatch>;
/** What evaluate runs: an onnxruntime session, a model, or serialized model bytes. */
export type EvalTarget = Session | Model | Uint8Array;

/** Batch size, output name and onnxruntime session options of an evaluation. */
export interface EvaluateOptions {
  /** Examples per run (default 64). Length groups are batched separately. */
  batchSize?: number;
  /** Which model output holds the logits (default: the first). */
  outputName?: string;
  /** Session settings when `target` is a model (default: 1 thread). */
  session?: SessionOptions;
  /** The model behind a ready-made `Session`, so the data is validated against its inputs. */
  model?: Model;
}

/** A model's outputs on evaluation data, with predictions and the example count. */
export interface EvalResult {
  count: number;
  outputName: string;
  /** Per-example output dims (e.g. [classes]). */
  exampleDims: number[];
  /** Values per example (product of exampleDims). */
  width: number;
  /** Outputs of all examples, example-major: outputs[i*width + k]. */
  outputs: Float32Array;
  /** argmax per example (or `logit > 0` when width is 1). */
  predictions: Int32Array;
  labels?: Int32Array;
  slices: Record<string, Uint8Array>;
  lengths: Record<string, Int32Array>;
}

function isSession(t: EvalTarget): t is Session {
  return !(t instanceof Uint8Array) && 'ort' in t;
}

/** Top-1 predictions (argmax per example) of a batch of logits. */
export function predictionsOf(outputs: Float32Array, count: number, width: number): Int32Array {
  const p = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (width === 1) {
      p[i] = outputs[i] > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < width; k++) if (outputs[i * width + k] > outputs[i * width + best]) best = k;
    p[i] = best;
  }
  return p;
}

class Collector {
  exampleDims?: number[];
  chunks: { indices?: Int32Array; values: Float32Array; n: number }[] = [];
  constructor(
    readonly source: string,
    readonly outputName: string,
  ) {}
  add(t: Tensor, n: number, indices?: Int32Array): void {
    if (t.dims[0] !== n)
      throw new PruneguardError(
        'E_RUNTIME',
        `${this.source}: output '${this.outputName}' has batch ${t.dims[0]} for ${n} examples ` +
          `(shape [${t.dims.join(',')}])`,
      );
    const dims = t.dims.slice(1);
    if (!this.exampleDims) this.exampleDims = dims;
    else if (dims.join(',') !== this.exampleDims.join(',')) {
      throw new PruneguardError(
        'E_RUNTIME',
        `${this.source}: output '${this.outputName}' per-example shape changed from [${this.exampleDims.join(',')}] ` +
          `to [${dims.join(',')}] between batches; evaluation needs one output vector per example`,
      );
    }
    this.chunks.push({ indices, values: toFloat32(t), n });
  }
  finish(count: number): { outputs: Float32Array; width: number; exampleDims: number[] } {
    const exampleDims = this.exampleDims ?? [];
    const width = exampleDims.reduce((a, b) => a * b, 1);
    const outputs = new Float32Array(count * width);
    let next = 0;
    for (const c of this.chunks) {
      for (let r = 0; r < c.n; r++) {
        const at = c.indices ? c.indices[r] : next + r;
        outputs.set(c.values.subarray(r * width, (r + 1) * width), at * width);
      }
      next += c.n;
    }
    return { outputs, width, exampleDims };
  }
}

/**
 * Runs a model over evaluation data in batches and returns its outputs and top-1 predictions.
 * @example
 * const set = await loadEvalSet('eval.npz', { inputNames: ['x'] });
 * const { predictions } = await evaluate(model, set, { batchSize: 32 });
 */
export async function evaluate(target: EvalTarget, data: EvalData, options: EvaluateOptions = {}): Promise<EvalResult> {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new PruneguardError('E_BAD_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
  const model =
    options.model ?? (isSession(target) ? undefined : target instanceof Uint8Array ? loadModel(target) : target);
  const session = isSession(target) ? target : await createSession(target, options.session);
  try {
    const outputName = options.outputName ?? session.outputNames[0];
    if (!session.outputNames.includes(outputName)) {
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `${session.source}: no output '${outputName}' (outputs: ${session.outputNames.join(', ')})`,
      );
    }
    const collector = new Collector(session.source, outputName);
    let result: Omit<EvalResult, 'outputs' | 'predictions' | 'width' | 'exampleDims' | 'outputName'>;
    if ('inputs' in data && 'count' in data) {
      const set = model ? bindEvalSet(data, model) : data;
      for (const b of planBatches(set, batchSize)) {
        const feeds: Feeds = {};
        for (const [name, t] of Object.entries(set.inputs)) feeds[name] = gatherRows(t, b.indices, b.lengths[name]);
        collector.add((await run(session, feeds, [outputName]))[outputName], b.indices.length, b.indices);
      }
      result = { count: set.count, labels: set.labels, slices: set.slices, lengths: set.lengths };
    } else {
      result = await consumeStream(data, session, outputName, collector, model);
    }
    const { outputs, width, exampleDims } = collector.finish(result.count);
    checkLabels(result.labels, width, outputName);
    return {
      ...result,
      outputName,
      exampleDims,
      width,
      outputs,
      predictions: predictionsOf(outputs, result.count, width),
    };
  } finally {
    if (!isSession(target)) await releaseSession(session);
  }
}

/** Labels must name one of the model's classes (the output width); `check` and `sensitivity` alike. */
export function checkLabels(labels: ArrayLike<number> | undefined, width: number, outputName: string): void {
  if (!labels || width <= 1) return;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l < 0 || l >= width)
      throw new PruneguardError(
        'E_BAD_DATA',
        `label ${l} of example ${i} is outside the model's ${width} classes (output '${outputName}')`,
      );
  }
}

async function consumeStream(
  data: AsyncIterable<StreamBatch> | Iterable<StreamBatch>,
  session: Session,
  outputName: string,
  collector: Collector,
  model?: Model,
) {
  const labels: number[] = [];
  const slices: Record<string, number[]> = {};
  let count = 0;
  let labelled: boolean | undefined;
  for await (const batch of data) {
    const first = Object.values(batch.feeds)[0];
    const n = first?.dims[0];
    if (n === undefined)
      throw new PruneguardError('E_BAD_DATA', `stream batch ${collector.chunks.length}: feeds have no batch axis`);
    if (labelled !== undefined && labelled !== (batch.labels !== undefined))
      throw new PruneguardError(
        'E_BAD_DATA',
        `stream batch ${collector.chunks.length}: labels must be given for every batch or none`,
      );
    labelled = batch.labels !== undefined;
    if (model) {
      const issues = checkEvalSet(
        { source: `stream batch ${collector.chunks.length}`, count: n, inputs: batch.feeds, slices: {}, lengths: {} },
        feedInputs(model),
      );
      if (issues.length)
        throw new PruneguardError('E_BAD_DATA', formatIssues(`stream batch ${collector.chunks.length}`, issues));
    }
    if (batch.labels && batch.labels.length !== n)
      throw new PruneguardError(
        'E_BAD_DATA',
        `stream batch ${collector.chunks.length}: ${batch.labels.length} labels for ${n} examples`,
      );
    for (const [name, m] of Object.entries(batch.slices ?? {})) {
      if (m.length !== n)
        throw new PruneguardError(
          'E_BAD_DATA',
          `stream batch ${collector.chunks.length}: slice '${name}' has ${m.length} entries for ${n} examples`,
        );
      const s = (slices[name] ??= new Array<number>(count).fill(0));
      for (let i = 0; i < n; i++) s.push(m[i] ? 1 : 0);
    }
    for (const s of Object.values(slices)) while (s.length < count + n) s.push(0);
    if (batch.labels) for (let i = 0; i < n; i++) labels.push(Number(batch.labels[i]));
    collector.add((await run(session, batch.feeds, [outputName]))[outputName], n);
    count += n;
  }
  return {
    count,
    labels: labelled ? Int32Array.from(labels) : undefined,
    slices: Object.fromEntries(Object.entries(slices).map(([k, v]) => [k, Uint8Array.from(v)])),
    lengths: {},
  };
}
