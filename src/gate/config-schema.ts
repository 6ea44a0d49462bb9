/**
 * Validation of `pruneguard.config.json`: types, ranges and unknown keys, every
 * issue collected as data and thrown once (the style of src/prune/plan-schema.ts).
 */
import { dirname, resolve } from 'node:path';
import { PruneguardError } from '../errors.js';
import type { CheckConfig } from './config.js';
import { readJsonFile } from '../util/json-file.js';
import { listProblems } from '../util/budgets.js';

export interface ConfigIssue {
  path: string;
  message: string;
  expected?: string;
  received?: unknown;
}

type Obj = Record<string, unknown>;
const at = (path: string, k: string): string => (path ? `${path}.${k}` : k);
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 50 ? `${s.slice(0, 47)}...` : s;
};

class Checker {
  readonly issues: ConfigIssue[] = [];
  issue(path: string, message: string, expected?: string, received?: unknown): void {
    this.issues.push({ path, message, ...(expected !== undefined ? { expected, received } : {}) });
  }
  /** The object at `path` (undefined when absent), with unknown keys reported. */
  section(parent: Obj, key: string, path: string, allowed: string[]): Obj | undefined {
    const v = parent[key];
    if (v === undefined) return undefined;
    if (!isObj(v)) {
      this.issue(path, 'must be an object', 'object', v);
      return undefined;
    }
    this.keys(v, path, allowed);
    return v;
  }
  keys(o: Obj, path: string, allowed: string[]): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) this.issue(at(path, k), 'unknown key', allowed.join(' | '), k);
  }
  num(
    o: Obj,
    k: string,
    path: string,
    lo: number,
    hi = Infinity,
    opts: { int?: boolean; loOpen?: boolean; hiOpen?: boolean } = {},
  ): void {
    const v = o[k];
    if (v === undefined) return;
    const range =
      `${opts.int ? 'integer ' : ''}in ${opts.loOpen ? '(' : '['}${lo}, ` +
      `${hi === Infinity ? '∞)' : `${hi}${opts.hiOpen ? ')' : ']'}`}`;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!opts.int || Number.isInteger(v)) &&
      (opts.loOpen ? v > lo : v >= lo) &&
      (opts.hiOpen ? v < hi : v <= hi);
    if (!ok) this.issue(at(path, k), `must be a number ${range}`, range, v);
  }
  bool(o: Obj, k: string, path: string): void {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') this.issue(at(path, k), 'must be a boolean', 'boolean', o[k]);
  }
  string(o: Obj, k: string, path: string, optional = true): void {
    if (o[k] === undefined && optional) return;
    if (typeof o[k] !== 'string' || o[k] === '') this.issue(at(path, k), 'must be a non-empty string', 'string', o[k]);
  }
  /** A non-empty array of at most `maxLength` integers in [min, max]. */
  ints(o: Obj, k: string, path: string, min: number, max: number, maxLength = 64): void {
    const v = o[k];
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0 || v.length > maxLength) {
      this.issue(
        at(path, k),
        `must be a non-empty array of at most ${maxLength} integers`,
        `integer[] in [${min}, ${max}]`,
        Array.isArray(v) ? `${v.length} elements` : v,
      );
      return;
    }
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
        this.issue(`${path}.${k}[${i}]`, `must be an integer in [${min}, ${max}]`, `integer in [${min}, ${max}]`, x);
    });
  }
  threshold(o: Obj, path: string): void {
    this.num(o, 'maxDrop', path, 0, 100);
    this.num(o, 'minMetric', path, 0, 100);
  }
}

/**
 * Upper bounds for every size, batch and count a config sets: a config is
 * input (from a pull request, say), and `productionBatchSizes: [1e6]` must be
 * refused, not allocated. Each is far above what a CPU gate measures.
 */
const LIMITS = { batch: 4096, dim: 65_536, repetitions: 10_000, examples: 1_000_000, vocab: 10_000_000 };

function sliceIssues(c: Checker, slices: unknown): void {
  if (slices === undefined) return;
  if (!Array.isArray(slices)) {
    c.issue('slices', 'must be an array', 'array', slices);
    return;
  }
  const seen = new Set<string>();
  slices.forEach((s, i) => {
    const path = `slices[${i}]`;
    if (!isObj(s)) {
      c.issue(path, 'must be an object', 'object', s);
      return;
    }
    c.string(s, 'name', path, false);
    if (typeof s.name === 'string') {
      if (s.name === 'all')
        c.issue(`${path}.name`, "'all' is the aggregate; set its threshold with 'aggregate'", 'another name', s.name);
      if (seen.has(s.name)) c.issue(`${path}.name`, 'duplicate slice name', 'unique names', s.name);
      seen.add(s.name);
    }
    c.threshold(s, path);
    if ('lengths' in s && 'labels' in s)
      c.issue(path, "give either 'lengths' or 'labels', not both", 'one selector', Object.keys(s));
    if ('lengths' in s) {
      c.keys(s, path, ['name', 'lengths', 'input', 'maxDrop', 'minMetric']);
      const l = s.lengths;
      if (!Array.isArray(l) || l.length !== 2 || !l.every((x) => Number.isInteger(x) && (x as number) >= 0))
        c.issue(`${path}.lengths`, 'must be [min, max] of non-negative integers', '[min, max]', l);
      else if (l[0] > l[1]) c.issue(`${path}.lengths`, 'is an empty range (min > max)', 'min <= max', l);
      c.string(s, 'input', path);
    } else if ('labels' in s) {
      c.keys(s, path, ['name', 'labels', 'maxDrop', 'minMetric']);
      c.ints(s, 'labels', path, 0, LIMITS.vocab, 4096);
    } else c.keys(s, path, ['name', 'maxDrop', 'minMetric']);
  });
}

/** Every problem of `config` (empty when valid). */
export function configIssues(config: unknown): ConfigIssue[] {
  const c = new Checker();
  if (!isObj(config)) {
    c.issue('(config)', 'the config must be a JSON object', 'object', config);
    return c.issues;
  }
  c.keys(config, '', [
    '$schema',
    'version',
    'metric',
    'batchSize',
    'outputName',
    'defaultThreshold',
    'aggregate',
    'slices',
    'latency',
    'budget',
    'quantization',
    'structural',
  ]);
  if (config.version !== undefined && config.version !== 1)
    c.issue('version', 'unsupported config version', '1', config.version);
  if (config.metric !== undefined && config.metric !== 'accuracy' && config.metric !== 'agreement')
    c.issue('metric', 'unknown metric', '"accuracy" | "agreement"', config.metric);
  c.num(config, 'batchSize', '', 1, Infinity, { int: true });
  c.string(config, 'outputName', '');
  for (const k of ['defaultThreshold', 'aggregate']) {
    const t = c.section(config, k, k, ['maxDrop', 'minMetric']);
    if (t) c.threshold(t, k);
  }
  sliceIssues(c, config.slices);
  const lat = c.section(config, 'latency', 'latency', [
    'productionBatchSizes',
    'requiredSpeedup',
    'claimedSpeedup',
    'claimedAtBatch',
    'repetitions',
    'warmup',
    'strict',
    'sequenceLength',
    'dims',
  ]);
  if (lat) {
    c.ints(lat, 'productionBatchSizes', 'latency', 1, LIMITS.batch, 16);
    c.num(lat, 'requiredSpeedup', 'latency', 0, Infinity, { loOpen: true });
    c.num(lat, 'claimedSpeedup', 'latency', 0, Infinity, { loOpen: true });
    c.num(lat, 'claimedAtBatch', 'latency', 1, LIMITS.batch, { int: true });
    if ((lat.claimedSpeedup === undefined) !== (lat.claimedAtBatch === undefined))
      c.issue(
        'latency.claimedAtBatch',
        'claimedSpeedup and claimedAtBatch go together (a claim is measured at a batch size)',
        'both or neither',
        { claimedSpeedup: lat.claimedSpeedup, claimedAtBatch: lat.claimedAtBatch },
      );
    c.num(lat, 'repetitions', 'latency', 1, LIMITS.repetitions, { int: true });
    c.num(lat, 'warmup', 'latency', 0, LIMITS.repetitions, { int: true });
    c.bool(lat, 'strict', 'latency');
    c.num(lat, 'sequenceLength', 'latency', 1, LIMITS.dim, { int: true });
    const dims = c.section(lat, 'dims', 'latency.dims', Object.keys(isObj(lat.dims) ? lat.dims : {}));
    if (dims) for (const k of Object.keys(dims)) c.num(dims, k, 'latency.dims', 1, LIMITS.dim, { int: true });
  }
  const budget = c.section(config, 'budget', 'budget', [
    'caps',
    'target',
    'sensitivityTolerance',
    'ratioTolerance',
    'probeRatio',
  ]);
  if (budget) {
    const caps = c.section(budget, 'caps', 'budget.caps', [
      'earlyConv',
      'earlyDepth',
      'classifier',
      'other',
      'byGroup',
    ]);
    if (caps) {
      for (const k of ['earlyConv', 'earlyDepth', 'classifier', 'other']) c.num(caps, k, 'budget.caps', 0, 1);
      const byGroup = c.section(
        caps,
        'byGroup',
        'budget.caps.byGroup',
        Object.keys(isObj(caps.byGroup) ? caps.byGroup : {}),
      );
      if (byGroup) for (const k of Object.keys(byGroup)) c.num(byGroup, k, 'budget.caps.byGroup', 0, 1);
    }
    c.num(budget, 'target', 'budget', 0, 1, { hiOpen: true });
    c.num(budget, 'sensitivityTolerance', 'budget', 0);
    c.num(budget, 'ratioTolerance', 'budget', 0, 1);
    c.num(budget, 'probeRatio', 'budget', 0, 1, { loOpen: true, hiOpen: true });
  }
  const q = c.section(config, 'quantization', 'quantization', [
    'floatModel',
    'maxClipped',
    'minUtilisation',
    'calibrationExamples',
  ]);
  if (q) {
    c.string(q, 'floatModel', 'quantization');
    c.num(q, 'maxClipped', 'quantization', 0, 1);
    c.num(q, 'minUtilisation', 'quantization', 0, 1);
    c.num(q, 'calibrationExamples', 'quantization', 1, LIMITS.examples, { int: true });
  }
  const s = c.section(config, 'structural', 'structural', ['dims', 'sizes', 'vocab', 'atol', 'rtol']);
  if (s) {
    c.ints(s, 'dims', 'structural', 1, LIMITS.dim);
    if (s.sizes !== undefined) {
      if (!Array.isArray(s.sizes) || s.sizes.length === 0)
        c.issue('structural.sizes', 'must be a non-empty array of {input: dims}', '[{"x": [1, 3, 32, 32]}]', s.sizes);
      else
        s.sizes.forEach((e, i) =>
          isObj(e)
            ? Object.keys(e).forEach((k) => c.ints(e, k, `structural.sizes[${i}]`, 1, LIMITS.dim, 16))
            : c.issue(`structural.sizes[${i}]`, 'must be an object', 'object', e),
        );
    }
    c.num(s, 'vocab', 'structural', 1, LIMITS.vocab, { int: true });
    c.num(s, 'atol', 'structural', 0);
    c.num(s, 'rtol', 'structural', 0);
  }
  return c.issues;
}

/** Throws one E_BAD_ARGUMENT naming `source` and listing every issue; returns the typed config. */
export function validateConfig(config: unknown, source = 'config'): CheckConfig {
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
  return config as CheckConfig;
}

/** Reads and validates a config file; `quantization.floatModel` is resolved relative to the file. */
export function loadConfigFile(path: string): CheckConfig {
  const json = readJsonFile(path, 'config');
  const config = validateConfig(json, path);
  if (config.quantization?.floatModel)
    config.quantization.floatModel = resolve(dirname(path), config.quantization.floatModel);
  return config;
}
