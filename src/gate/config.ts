/**
 * `pruneguard.config.json`: thresholds, slices, batch sizes and caps for
 * `pruneguard check`. Every field is optional; DEFAULTS below are what an
 * absent field means (docs/config.md describes each). The types are inferred from the
 * valibot schema in config-schema.ts, which also validates (every problem at once) and
 * generates the shipped JSON Schema (`pruneguard/schema/config.json`).
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
import type * as v from 'valibot';
import type {
  BudgetSchema,
  ConfigSchema,
  LatencySchema,
  QuantizationSchema,
  SliceSchema,
  StructuralSchema,
  ThresholdSchema,
} from './config-schema.js';

/** A slice threshold in points (0–100): largest drop vs dense and/or smallest pruned metric. */
export type ThresholdConfig = v.InferOutput<typeof ThresholdSchema>;
/** A data slice by name, by `<input>_lengths` range, or by labels, with its threshold. */
export type SliceConfig = v.InferOutput<typeof SliceSchema>;
/** The latency gate: production batch sizes, the required speedup, a claim to test. */
export type LatencyConfig = v.InferOutput<typeof LatencySchema>;
/** The budget gate: caps per group and the required share removed. */
export type BudgetConfig = v.InferOutput<typeof BudgetSchema>;
/** The quantization gate: the float model and the clipping and utilisation limits. */
export type QuantizationConfig = v.InferOutput<typeof QuantizationSchema>;
/** The structural gate: sizes the models run at and the mask-equivalence tolerance. */
export type StructuralConfig = v.InferOutput<typeof StructuralSchema>;
/** The whole config (every field optional; DEFAULTS say what an absent one means). */
export type CheckConfig = v.InferOutput<typeof ConfigSchema>;

/** What an absent field means. */
export const DEFAULTS = Object.freeze({
  batchSize: 64,
  defaultThreshold: { maxDrop: 2 },
  latency: { productionBatchSizes: [1], requiredSpeedup: 1, repetitions: 30, warmup: 5, strict: false },
  budget: { sensitivityTolerance: 0.5, ratioTolerance: 0.02, probeRatio: 0.2 },
  quantization: { maxClipped: 0.001, minUtilisation: 0.7, calibrationExamples: 256 },
  structural: { dims: [1, 3], vocab: 10, atol: 1e-4, rtol: 1e-3 },
});
