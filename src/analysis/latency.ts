/**
 * Dense vs pruned latency on onnxruntime CPU: warm-up, then rounds in which
 * each model runs once in a randomized (or alternating) order, so drift in
 * machine load hits both models alike. Thread settings are fixed and recorded.
 */
import { cpus } from 'node:os';
import { env, type Tensor as OrtTensor } from 'onnxruntime-node';
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { loadModel } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, toOrt, type Feeds, type Session } from '../runtime/index.js';
import { gatherRows } from '../data/batches.js';
import type { EvalSet } from '../data/eval-set.js';
import { feedInputs } from '../data/validate.js';
import { ratioOfMediansCI, sampleStats, type RatioInterval, type SampleStats } from './latency-stats.js';
import { mulberry32 } from '../util/random.js';

export interface LatencyOptions {
  /** Batch sizes to measure (default [1]). */
  batchSizes?: readonly number[];
  /** Untimed runs per model and batch size before measuring (default 5). */
  warmup?: number;
  /** Timed runs per model and batch size (default 30). */
  rounds?: number;
  /** 'random': each round runs AB or BA at random (seeded); 'alternate': ABAB... (default 'random'). */
  order?: 'random' | 'alternate';
  /** Seeds the order, the inputs and the bootstrap (default 1). */
  seed?: number;
  /** onnxruntime intra-op threads (default 1, so numbers are comparable across machines and runs). */
  intraOpThreads?: number;
  interOpThreads?: number;
  /** Feeds for a batch size (default: seeded random inputs shaped from the model). */
  feeds?: (batchSize: number) => Feeds;
  /** Sizes of symbolic non-batch dims for the default feeds ({ seq: 128 }). Axis 0 is the batch. */
  dims?: Record<string, number>;
  /** Bootstrap confidence level of the speedup interval (default 0.95). */
  level?: number;
}

export interface LatencySettings {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: 'sequential';
  graphOptimizationLevel: 'all';
  warmup: number;
  rounds: number;
  order: 'random' | 'alternate';
  seed: number;
  onnxruntime: string;
  node: string;
  cpu: string;
  logicalCpus: number;
}

export interface LatencyMeasurement {
  batchSize: number;
  /** Milliseconds per run. */
  dense: SampleStats;
  pruned: SampleStats;
  /** median(dense) / median(pruned), with its bootstrap CI: > 1 means the pruned model is faster. */
  speedup: RatioInterval;
}

export type ModelInput = Model | Uint8Array;

function defaultFeeds(model: Model, options: LatencyOptions): (b: number) => Feeds {
  return (b) => {
    const sizes: Record<string, number[]> = {};
    for (const vi of feedInputs(model)) {
      if (!vi.shape)
        throw new PruneguardError(
          'E_BAD_ARGUMENT',
          `input '${vi.name}' has unknown rank: pass feeds for latency measurement`,
        );
      sizes[vi.name] = vi.shape.map((d, axis) => {
        if (axis === 0) return b;
        if (typeof d === 'number') return d;
        const v = d === null ? undefined : options.dims?.[d];
        if (v === undefined)
          throw new PruneguardError(
            'E_BAD_ARGUMENT',
            `input '${vi.name}' axis ${axis} is '${d ?? '?'}': give its size in dims (e.g. { ${d ?? 'seq'}: 128 }) ` +
              `or pass feeds`,
          );
        return v;
      });
    }
    return randomInputs(model, sizes, { seed: options.seed ?? 1 });
  };
}

/**
 * Feeds cut from real evaluation data: examples 0..b-1 (cycling when b exceeds
 * the set), so latency sees production-like inputs. Inputs with per-example
 * lengths are cut to `length` on axis 1 when given (the production sequence
 * length), else kept at the padded length.
 */
export function feedsFromEvalSet(
  set: Pick<EvalSet, 'count' | 'inputs'> & Partial<Pick<EvalSet, 'lengths'>>,
  length?: number,
): (batchSize: number) => Feeds {
  return (b) => {
    const indices = Int32Array.from({ length: b }, (_, i) => i % set.count);
    return Object.fromEntries(
      Object.entries(set.inputs).map(([name, t]) => {
        const cut = length !== undefined && set.lengths?.[name] ? Math.min(length, t.dims[1]) : undefined;
        return [name, gatherRows(t, indices, cut)];
      }),
    );
  };
}

async function timeRun(session: Session, feeds: Record<string, OrtTensor>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await session.ort.run(feeds);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Times the dense and the pruned model A/B at each batch size (one intra-op thread) and reports medians and the
 * speedup.
 * @example const { measurements } = await measureLatency(dense, pruned, { batchSizes: [1, 32] });
 */
export async function measureLatency(
  dense: ModelInput,
  pruned: ModelInput,
  options: LatencyOptions = {},
): Promise<{ settings: LatencySettings; measurements: LatencyMeasurement[] }> {
  const batchSizes = options.batchSizes ?? [1];
  const warmup = options.warmup ?? 5;
  const rounds = options.rounds ?? 30;
  const seed = options.seed ?? 1;
  const threads = { intraOpThreads: options.intraOpThreads ?? 1, interOpThreads: options.interOpThreads ?? 1 };
  for (const [k, v] of Object.entries({ warmup, rounds, ...threads })) {
    if (!Number.isSafeInteger(v) || v < (k === 'warmup' ? 0 : 1))
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `${k} must be a ${k === 'warmup' ? 'non-negative' : 'positive'} integer, got ${v}`,
      );
  }
  if (batchSizes.length === 0 || batchSizes.some((b) => !Number.isSafeInteger(b) || b < 1))
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `batch sizes must be positive integers, got [${batchSizes.join(', ')}]`,
    );
  const denseModel = dense instanceof Uint8Array ? loadModel(dense) : dense;
  const makeFeeds = options.feeds ?? defaultFeeds(denseModel, options);
  const sessions = [
    await createSession(dense, { ...threads, source: 'dense model' }),
    await createSession(pruned, { ...threads, source: 'pruned model' }),
  ];
  const rand = mulberry32(seed);
  const measurements: LatencyMeasurement[] = [];
  try {
    for (const b of batchSizes) {
      const feeds: Record<string, OrtTensor> = {};
      for (const [name, t] of Object.entries(makeFeeds(b))) feeds[name] = toOrt(t, name);
      const times: number[][] = [[], []];
      for (let i = 0; i < warmup; i++) for (const s of sessions) await timeRun(s, feeds);
      for (let r = 0; r < rounds; r++) {
        const first = options.order === 'alternate' ? r % 2 : rand() < 0.5 ? 0 : 1;
        for (const k of [first, 1 - first]) times[k].push(await timeRun(sessions[k], feeds));
      }
      measurements.push({
        batchSize: b,
        dense: sampleStats(times[0]),
        pruned: sampleStats(times[1]),
        speedup: ratioOfMediansCI(times[0], times[1], { seed: seed + b, level: options.level }),
      });
    }
  } catch (e) {
    if (e instanceof PruneguardError) throw e;
    throw new PruneguardError('E_RUNTIME', `latency measurement failed: ${(e as Error).message}`, { cause: e });
  } finally {
    for (const s of sessions) await releaseSession(s);
  }
  const cpu = cpus();
  return {
    settings: {
      intraOpNumThreads: threads.intraOpThreads,
      interOpNumThreads: threads.interOpThreads,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      warmup,
      rounds,
      order: options.order ?? 'random',
      seed,
      onnxruntime: env.versions.node ?? env.versions.common,
      node: process.version,
      cpu: cpu[0]?.model ?? 'unknown',
      logicalCpus: cpu.length,
    },
    measurements,
  };
}
