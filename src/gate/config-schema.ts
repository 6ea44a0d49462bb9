/**
 * The `pruneguard.config.json` schema (valibot): the one declaration that is the config's
 * TypeScript type (config.ts infers it), its validator (every issue at once, with its path) and
 * the JSON Schema shipped as `pruneguard/schema/config.json` (scripts/write-schemas.ts).
 * Relations between fields JSON Schema cannot express (unique slice names, a claim and its batch
 * size together) are checked beside it, on the raw input, so they are reported with the rest.
 */
import { dirname, resolve } from 'node:path';
import * as v from 'valibot';
import { PruneguardError } from '../errors.js';
import { readJsonFile } from '../util/json-file.js';
import { listProblems } from '../util/budgets.js';
import { issuesOf } from '../prune/plan-schema.js';

/** One problem with a config: data, collected with all the others. */
export interface ConfigIssue {
  path: string;
  message: string;
  expected?: string;
  received?: unknown;
}

/**
 * Upper bounds for every size, batch and count a config sets: a config is input (from a pull
 * request, say), and `productionBatchSizes: [1e6]` must be refused, not allocated. Each is far
 * above what a CPU gate measures.
 */
const LIMITS = { batch: 4096, dim: 65_536, repetitions: 10_000, examples: 1_000_000, vocab: 10_000_000 };

interface Range {
  int?: boolean;
  /** Exclusive bounds (`(lo, hi)`) instead of inclusive ones. */
  loOpen?: boolean;
  hiOpen?: boolean;
}

/** A finite number in a range; the message states the range. */
function number(lo: number, hi = Infinity, range: Range = {}) {
  const text = `${range.int ? 'integer ' : ''}in ${range.loOpen ? '(' : '['}${lo}, ${
    hi === Infinity ? '∞)' : `${hi}${range.hiOpen ? ')' : ']'}`
  }`;
  const message = `must be a number ${text}`;
  return v.pipe(
    v.number(message),
    v.finite(message),
    range.int ? v.integer(message) : v.finite(message),
    range.loOpen ? v.gtValue(lo, message) : v.minValue(lo, message),
    hi === Infinity ? v.finite(message) : range.hiOpen ? v.ltValue(hi, message) : v.maxValue(hi, message),
  );
}

/** A non-empty array of at most `maxLength` integers in [min, max]. */
function integers(min: number, max: number, maxLength = 64) {
  const message = `must be a non-empty array of at most ${maxLength} integers`;
  return v.pipe(
    v.array(number(min, max, { int: true }), message),
    v.nonEmpty(message),
    v.maxLength(maxLength, message),
  );
}

const nonEmptyString = v.pipe(v.string('must be a non-empty string'), v.nonEmpty('must be a non-empty string'));
const points = v.optional(number(0, 100));
const share = v.optional(number(0, 1));

/** A slice threshold in points (0–100): largest drop vs dense and/or smallest pruned metric. */
export const ThresholdSchema = v.strictObject({
  /** Largest tolerated drop vs dense, in points. */
  maxDrop: points,
  /** Smallest tolerated pruned metric, in points. */
  minMetric: points,
});

const sliceName = v.pipe(
  nonEmptyString,
  v.check((n) => n !== 'all', "'all' is the aggregate; set its threshold with 'aggregate'"),
);
/** A `slice_<name>` array of the data (found automatically; list one to set its threshold). */
const NamedSlice = v.strictObject({ name: sliceName, ...ThresholdSchema.entries });
/** Examples whose `<input>_lengths` lies in [min, max], inclusive. */
const LengthSlice = v.strictObject({
  name: sliceName,
  lengths: v.pipe(
    v.tuple(
      [number(0, Infinity, { int: true }), number(0, Infinity, { int: true })],
      'must be [min, max] of non-negative integers',
    ),
    v.check(([lo, hi]) => lo <= hi, 'is an empty range (min > max)'),
  ),
  input: v.optional(nonEmptyString),
  ...ThresholdSchema.entries,
});
/** Examples whose label is in the set (rare classes). */
const LabelSlice = v.strictObject({
  name: sliceName,
  labels: integers(0, LIMITS.vocab, 4096),
  ...ThresholdSchema.entries,
});

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** One slice: the selector key an entry has (`lengths`, `labels` or neither) picks its shape. */
export const SliceSchema = v.lazy((input: unknown) => {
  if (input === undefined) return v.union([LengthSlice, LabelSlice, NamedSlice]);
  if (!isObject(input)) return v.strictObject(NamedSlice.entries, 'must be an object');
  if ('lengths' in input && 'labels' in input)
    return v.custom<never>(() => false, "give either 'lengths' or 'labels', not both");
  return 'lengths' in input ? LengthSlice : 'labels' in input ? LabelSlice : NamedSlice;
});

const batch = number(1, LIMITS.batch, { int: true });
const dimSize = number(1, LIMITS.dim, { int: true });
const speedup = number(0, Infinity, { loOpen: true });

export const LatencySchema = v.strictObject({
  /** Batch sizes the model is served at. Default [1]. */
  productionBatchSizes: v.optional(integers(1, LIMITS.batch, 16)),
  /** Smallest acceptable speedup (dense ms ÷ pruned ms) at every production batch size. Default 1 (not slower). */
  requiredSpeedup: v.optional(speedup),
  /** A speedup someone claimed (with `claimedAtBatch`, the batch size it was measured at: both or neither). */
  claimedSpeedup: v.optional(speedup),
  claimedAtBatch: v.optional(batch),
  /** Timed A/B rounds per batch size. Default 30. */
  repetitions: v.optional(number(1, LIMITS.repetitions, { int: true })),
  /** Untimed warm-up runs. Default 5. */
  warmup: v.optional(number(0, LIMITS.repetitions, { int: true })),
  /** Fail when the CI straddles the requirement (default false: inconclusive passes). */
  strict: v.optional(v.boolean('must be a boolean')),
  /** Cut padded sequence inputs to this length for timing (default: the padded length). */
  sequenceLength: v.optional(dimSize),
  /** Sizes of symbolic non-batch dims when there is no data (e.g. {"seq": 128}). */
  dims: v.optional(v.record(v.string(), dimSize, 'must be an object')),
});

export const CapsSchema = v.strictObject({
  /** Cap of conv groups in the first `earlyDepth` of the network. Default 0.2. */
  earlyConv: share,
  /** Share of the network's depth that counts as early. Default 1/3. */
  earlyDepth: share,
  /** Cap of classifier groups. Default 0.7. */
  classifier: share,
  /** Cap of every other group. Default 0.5. */
  other: share,
  /** Explicit caps by group id override the rules. */
  byGroup: v.optional(v.record(v.string(), number(0, 1), 'must be an object')),
});

export const BudgetSchema = v.strictObject({
  /** Caps per group; fields override the default caps one by one. */
  caps: v.optional(CapsSchema),
  /** Required share of the profiled parameters removed, in [0, 1). Default: not checked. */
  target: v.optional(number(0, 1, { hiOpen: true })),
  /** Sensitivities closer than this (points) count as equal. Default 0.5. */
  sensitivityTolerance: v.optional(number(0)),
  /** A ratio larger by at most this is not a violation. Default 0.02. */
  ratioTolerance: share,
  /** Share of a group removed to measure its sensitivity. Default 0.2. */
  probeRatio: v.optional(number(0, 1, { loOpen: true, hiOpen: true })),
});

export const QuantizationSchema = v.strictObject({
  /** The float pruned model a QDQ pruned model was made from (relative to the config file). */
  floatModel: v.optional(nonEmptyString),
  /** Largest tolerated share of clipped values per tensor. Default 0.001. */
  maxClipped: share,
  /** Smallest tolerated range utilisation per tensor. Default 0.7. */
  minUtilisation: share,
  /** Examples of the data used to run the float model. Default 256. */
  calibrationExamples: v.optional(number(1, LIMITS.examples, { int: true })),
});

export const StructuralSchema = v.strictObject({
  /** Values every symbolic dim takes in turn when executing. Default [1, 3]. */
  dims: v.optional(integers(1, LIMITS.dim)),
  /** Explicit input sizes instead: one entry per run, e.g. [{"input_ids": [2, 16]}]. */
  sizes: v.optional(
    v.pipe(
      v.array(
        v.record(v.string(), integers(1, LIMITS.dim, 16), 'must be an object'),
        'must be a non-empty array of {input: dims}',
      ),
      v.nonEmpty('must be a non-empty array of {input: dims}'),
    ),
  ),
  /** Integer inputs are random token ids below this. Default 10. */
  vocab: v.optional(number(1, LIMITS.vocab, { int: true })),
  /** mask-equivalence tolerance. Default atol 1e-4, rtol 1e-3. */
  atol: v.optional(number(0)),
  rtol: v.optional(number(0)),
});

/** `pruneguard.config.json` (version 1): thresholds, slices, batch sizes and caps for `pruneguard check`. */
export const ConfigSchema = v.strictObject({
  /** The JSON Schema a config file names for editor completion (ignored). */
  $schema: v.optional(v.string()),
  version: v.optional(v.literal(1, 'unsupported config version (expected 1)')),
  /** Slice metric: 'accuracy' needs labels; 'agreement' compares with the dense predictions. */
  metric: v.optional(v.picklist(['accuracy', 'agreement'], 'unknown metric (accuracy or agreement)')),
  /** Examples per evaluation run. Default 64. */
  batchSize: v.optional(number(1, Infinity, { int: true })),
  /** Model output holding the logits. Default: the first output. */
  outputName: v.optional(nonEmptyString),
  /** Threshold of slices without their own. Default {maxDrop: 2}. */
  defaultThreshold: v.optional(ThresholdSchema),
  /** Threshold of the aggregate (all examples). Default: defaultThreshold. */
  aggregate: v.optional(ThresholdSchema),
  slices: v.optional(v.array(SliceSchema, 'must be an array')),
  /** Absent: the latency gate is skipped (timing is slow and needs a quiet machine). */
  latency: v.optional(LatencySchema),
  budget: v.optional(BudgetSchema),
  quantization: v.optional(QuantizationSchema),
  structural: v.optional(StructuralSchema),
});

/** Relations between fields, checked on the raw input so they are reported with the schema's issues. */
function relationIssues(config: Record<string, unknown>): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (Array.isArray(config.slices)) {
    const seen = new Set<string>();
    config.slices.forEach((s, i) => {
      if (!isObject(s) || typeof s.name !== 'string') return;
      if (seen.has(s.name))
        out.push({
          path: `slices[${i}].name`,
          message: 'duplicate slice name',
          expected: 'unique names',
          received: s.name,
        });
      seen.add(s.name);
    });
  }
  const lat = config.latency;
  if (isObject(lat) && (lat.claimedSpeedup === undefined) !== (lat.claimedAtBatch === undefined))
    out.push({
      path: 'latency.claimedAtBatch',
      message: 'claimedSpeedup and claimedAtBatch go together (a claim is measured at a batch size)',
      expected: 'both or neither',
      received: { claimedSpeedup: lat.claimedSpeedup, claimedAtBatch: lat.claimedAtBatch },
    });
  return out;
}

/** Every problem of `config` (empty when valid). */
export function configIssues(config: unknown): ConfigIssue[] {
  if (!isObject(config))
    return [{ path: '(config)', message: 'the config must be a JSON object', expected: 'object', received: config }];
  const result = v.safeParse(ConfigSchema, config, { abortEarly: false });
  return [...(result.issues ? issuesOf(result.issues, '(config)') : []), ...relationIssues(config)];
}

const show = (x: unknown): string => {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 50 ? `${s.slice(0, 47)}...` : s;
};

/** Throws one E_BAD_ARGUMENT naming `source` and listing every issue; returns the typed config. */
export function validateConfig(config: unknown, source = 'config'): v.InferOutput<typeof ConfigSchema> {
  const issues = configIssues(config);
  if (issues.length) {
    const lines = issues.map(
      (i) =>
        `${i.path}: ${i.message}` +
        (i.expected !== undefined ? ` (expected ${i.expected}, received ${show(i.received)})` : ''),
    );
    const err = new PruneguardError(
      'E_BAD_ARGUMENT',
      `${source}: ${issues.length} config problem${issues.length > 1 ? 's' : ''}: ${listProblems(lines)}`,
    );
    (err as PruneguardError & { issues: readonly ConfigIssue[] }).issues = issues;
    throw err;
  }
  return config as v.InferOutput<typeof ConfigSchema>;
}

/** Reads and validates a config file; `quantization.floatModel` is resolved relative to the file. */
export function loadConfigFile(path: string): v.InferOutput<typeof ConfigSchema> {
  const json = readJsonFile(path, 'config');
  const config = validateConfig(json, path);
  if (config.quantization?.floatModel)
    config.quantization.floatModel = resolve(dirname(path), config.quantization.floatModel);
  return config;
}
