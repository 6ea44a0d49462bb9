/**
 * `pruneguard.config.json`: thresholds, slices, batch sizes and caps for
 * `pruneguard check`. Every field is optional; DEFAULTS below are what an
 * absent field means (docs/config.md describes each). Validation lives in
 * config-schema.ts and reports every problem at once.
 *
 * @example
 * {"version": 1,
 *  "slices": [{"name": "rare", "maxDrop": 3}, {"name": "long", "lengths": [48, 64]},
 *             {"name": "eights", "labels": [8], "minMetric": 60}],
 *  "aggregate": {"maxDrop": 1},
 *  "latency": {"productionBatchSizes": [1], "requiredSpeedup": 1.2, "claimedSpeedup": 2, "claimedAtBatch": 64},
 *  "budget": {"caps": {"earlyConv": 0.25}, "target": 0.3},
 *  "quantization": {"floatModel": "pruned_float.onnx"},
 *  "structural": {"dims": [1, 3], "atol": 1e-4}}
 */
import type { CapRules } from '../analysis/profile.js';
import type { SliceMetricName } from '../analysis/slices-gate.js';

/** A slice threshold in points (0–100): largest drop vs dense and/or smallest pruned metric. */
export interface ThresholdConfig {
  maxDrop?: number;
  minMetric?: number;
}

export type SliceConfig = ThresholdConfig &
  /** A `slice_<name>` array of the data (data slices are found automatically; list one to set its threshold). */
  (
    | { name: string }
    /** Examples whose `<input>_lengths` lies in [min, max], inclusive. */
    | { name: string; lengths: [number, number]; input?: string }
    /** Examples whose label is in the set (rare classes). */
    | { name: string; labels: number[] }
  );

export interface LatencyConfig {
  /** Batch sizes the model is served at. Default [1]. */
  productionBatchSizes?: number[];
  /** Smallest acceptable speedup (dense ms ÷ pruned ms) at every production batch size. Default 1 (not slower). */
  requiredSpeedup?: number;
  /** A speedup someone claimed, and the batch size it was measured at (both or neither). */
  claimedSpeedup?: number;
  claimedAtBatch?: number;
  /** Timed A/B rounds per batch size (default 30) and untimed warm-up runs (default 5). */
  repetitions?: number;
  warmup?: number;
  /** Fail when the CI straddles the requirement (default false: inconclusive passes). */
  strict?: boolean;
  /** Cut padded sequence inputs to this length for timing (default: the padded length). */
  sequenceLength?: number;
  /** Sizes of symbolic non-batch dims when there is no data (e.g. {"seq": 128}). */
  dims?: Record<string, number>;
}

export interface BudgetConfig {
  /** Caps per group; fields override DEFAULT_CAPS one by one. */
  caps?: Partial<CapRules>;
  /** Required share of the profiled parameters removed, in [0, 1). Default: not checked. */
  target?: number;
  /** Sensitivities closer than this (points) count as equal. Default 0.5. */
  sensitivityTolerance?: number;
  /** A ratio larger by at most this is not a violation. Default 0.02. */
  ratioTolerance?: number;
  /** Share of a group removed to measure its sensitivity. Default 0.2 (the seed's 20%). */
  probeRatio?: number;
}

export interface QuantizationConfig {
  /** The float pruned model a QDQ pruned model was made from (relative to the config file). */
  floatModel?: string;
  /** Largest tolerated share of clipped values per tensor. Default 0.001. */
  maxClipped?: number;
  /** Smallest tolerated range utilisation per tensor. Default 0.7. */
  minUtilisation?: number;
  /** Examples of the data used to run the float model. Default 256. */
  calibrationExamples?: number;
}

export interface StructuralConfig {
  /** Values every symbolic dim takes in turn when executing (default [1, 3]). */
  dims?: number[];
  /** Explicit input sizes instead: one entry per run, e.g. [{"input_ids": [2, 16]}]. */
  sizes?: Record<string, number[]>[];
  /** Integer inputs are random token ids below this (default 10). */
  vocab?: number;
  /** mask-equivalence tolerance (default atol 1e-4, rtol 1e-3). */
  atol?: number;
  rtol?: number;
}

export interface CheckConfig {
  version?: 1;
  /**
   * Slice metric: 'accuracy' needs labels; 'agreement' compares with the dense predictions. Default: accuracy when
   * labelled.
   */
  metric?: SliceMetricName;
  /** Examples per evaluation run. Default 64. */
  batchSize?: number;
  /** Model output holding the logits. Default: the first output. */
  outputName?: string;
  /** Threshold of slices without their own. Default {maxDrop: 2}. */
  defaultThreshold?: ThresholdConfig;
  /** Threshold of the aggregate (all examples). Default: defaultThreshold. */
  aggregate?: ThresholdConfig;
  slices?: SliceConfig[];
  /** Absent: the latency gate is skipped (timing is slow and needs a quiet machine). */
  latency?: LatencyConfig;
  budget?: BudgetConfig;
  quantization?: QuantizationConfig;
  structural?: StructuralConfig;
}

/** What an absent field means. */
export const DEFAULTS = Object.freeze({
  batchSize: 64,
  defaultThreshold: { maxDrop: 2 },
  latency: { productionBatchSizes: [1], requiredSpeedup: 1, repetitions: 30, warmup: 5, strict: false },
  budget: { sensitivityTolerance: 0.5, ratioTolerance: 0.02, probeRatio: 0.2 },
  quantization: { maxClipped: 0.001, minUtilisation: 0.7, calibrationExamples: 256 },
  structural: { dims: [1, 3], vocab: 10, atol: 1e-4, rtol: 1e-3 },
});
