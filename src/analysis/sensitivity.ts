/**
 * Sensitivity analysis: for every prunable group, remove a share of its
 * channels by an importance criterion, evaluate on real data, record the
 * metric drop. Mask-exact groups are probed through gates on one warm session
 * (sensitivity-gates.ts); the others are pruned for real, one session each.
 *
 * @example
 * const set = await loadEvalSet('eval.npz');
 * const profile = await sensitivity(model, set, { ratios: [0.2, 0.4] });
 * const plan = allocateBudget(profile, 0.3);
 */
import type { EvalSet } from '../data/eval-set.js';
import { bindEvalSet } from '../data/validate.js';
import { PruneguardError } from '../errors.js';
import { constantValue } from '../ir/constants.js';
import type { Model } from '../ir/types.js';
import { analyzeGroups, type Group } from '../prune/groups.js';
import { channelScores, lowest } from '../prune/importance.js';
import type { Criterion } from '../prune/plan.js';
import { countParams } from '../prune/params.js';
import { keepCount } from '../prune/plan-resolve.js';
import { saveModel } from '../onnx/save.js';
import type { SensitivityEntry, SensitivityProfile } from './profile.js';
import { groupFacts } from './profile-build.js';
import {
  cacheKey,
  dataDigest,
  fileCache,
  memoryCache,
  modelBytesDigest,
  type SensitivityCache,
} from './sensitivity-cache.js';
import { gateRefusal } from './sensitivity-gates.js';
import type { SweepMetric } from './sensitivity-run.js';
import { runSweep } from './sensitivity-sweep.js';

export interface SensitivityProgress {
  done: number;
  total: number;
  group: string;
  ratio: number;
  /** The value came from the cache (no evaluation). */
  cached: boolean;
}

/** Ratios, criterion, seed, metric and slices of a sensitivity sweep. */
export interface SensitivityOptions {
  /** Shares of each group's channels to remove, each in (0, 1) (default [0.2]). */
  ratios?: readonly number[];
  criterion?: Criterion;
  /** Seed of the random criterion (default 0). */
  seed?: number;
  /** Default: accuracy with labels, agreement with the dense predictions without. */
  metric?: SweepMetric;
  /**
   * Also measure every slice of the data (`slice_<name>` arrays; true = all, or the names to use)
   * and rate each group by its worst drop over the aggregate and those slices. An aggregate
   * metric hides the groups a rare class depends on; the worst slice does not.
   */
  slices?: boolean | readonly string[];
  /** Examples per run (default 1024: as few runs per variant as memory allows). */
  batchSize?: number;
  /** Only these group ids (default: every prunable channel group). */
  groups?: readonly string[];
  /**
   * Also probe attention units, a ratio of their heads at a time (at least one
   * head); 'each' also removes every head alone (entry.perHead).
   */
  heads?: boolean | 'each';
  onProgress?: (p: SensitivityProgress) => void;
  /** What errors call the model (its file), e.g. when onnxruntime refuses it. */
  source?: string;
  /** A cache file path, or a cache object (default: none). */
  cache?: string | SensitivityCache;
  /** Which output holds the logits (default: the first). */
  outputName?: string;
  /** onnxruntime intra-op threads (default 1). */
  threads?: number;
  /**
   * Reuse the dense pass's activations upstream of each group's gates and run
   * only the downstream part per variant (default true; false runs every
   * variant as a full forward pass on the gated session).
   */
  suffix?: boolean;
}

interface Variant {
  group: Group;
  ratio: number;
  remove: number[];
  key: string;
  metric?: number;
  head?: number;
}

function checkRatios(ratios: readonly number[]): number[] {
  if (ratios.length === 0) throw new PruneguardError('E_BAD_ARGUMENT', 'ratios must list at least one ratio');
  const bad = ratios.find((r) => !(Number.isFinite(r) && r > 0 && r < 1));
  if (bad !== undefined) throw new PruneguardError('E_BAD_ARGUMENT', `every ratio must be in (0, 1), got ${bad}`);
  return [...new Set(ratios)].sort((a, b) => a - b);
}

/** Channels (or heads) removed from `g` at `ratio`: the same count the pruner keeps by. */
function removeCount(g: Group, ratio: number): number {
  if (g.kind === 'heads') return Math.min(g.channels - 1, Math.max(1, Math.floor(ratio * g.channels + 1e-9)));
  return g.channels - keepCount(g.channels, ratio);
}

/** Measures each prunable group's sensitivity: prunes a share of it alone and records the metric drop on the data. */
export async function sensitivity(
  model: Model,
  evalSet: EvalSet,
  options: SensitivityOptions = {},
): Promise<SensitivityProfile> {
  const ratios = checkRatios(options.ratios ?? [0.2]);
  const criterion = options.criterion ?? 'l1';
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 1024;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new PruneguardError('E_BAD_ARGUMENT', `batchSize must be a positive integer, got ${batchSize}`);
  const set = bindEvalSet(evalSet, model);
  if (set.count === 0) throw new PruneguardError('E_BAD_DATA', `${set.source}: no examples`);
  const metric: SweepMetric = options.metric ?? (set.labels ? 'accuracy' : 'agreement');
  if (metric === 'accuracy' && !set.labels)
    throw new PruneguardError('E_BAD_ARGUMENT', `${set.source}: metric 'accuracy' needs a 'labels' array`);

  const slices = sliceIndices(set.slices, options.slices, set.source);
  const analysis = analyzeGroups(model);
  // head_dim groups (channels inside heads) are not probed: their entries are the heads' own (o_proj rows),
  // which one gate per entry cannot serve twice, and --ratio leaves them to plans that name them too.
  const prunable = analysis.groups.filter(
    (g) =>
      !g.blocked && !g.headDim && g.channels >= 2 && (g.kind === 'channels' || (options.heads && g.kind === 'heads')),
  );
  let groups = prunable;
  if (options.groups) {
    const unknown = options.groups.filter((id) => !prunable.some((g) => g.id === id));
    if (unknown.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `not a prunable group: ${unknown.join(', ')} (prunable: ${prunable
          .map((g) => g.id)
          .slice(0, 8)
          .join(', ')}${prunable.length > 8 ? ', ...' : ''})`,
      );
    groups = prunable.filter((g) => options.groups!.includes(g.id));
  }
  const cache = typeof options.cache === 'string' ? fileCache(options.cache) : (options.cache ?? memoryCache());
  const digests = { model: modelBytesDigest(saveModel(model)), data: dataDigest(set) };
  const sliceKey = slices.size ? `worst-of:${[...slices.keys()].sort().join(',')}` : 'aggregate';
  const key = (group: string, ratio: number) =>
    cacheKey({ ...digests, group, ratio, criterion, metric: `${metric}/${sliceKey}`, seed });
  const read = (t: string) => constantValue(analysis.prop.model.graph, t, analysis.prop.index);

  const variants: Variant[] = [];
  for (const g of groups) {
    const scores = channelScores(g, criterion, read, seed);
    for (const ratio of ratios) {
      const v: Variant = { group: g, ratio, remove: lowest(scores, removeCount(g, ratio)), key: key(g.id, ratio) };
      v.metric = cache.get(v.key);
      variants.push(v);
    }
    if (options.heads === 'each' && g.kind === 'heads') {
      for (let head = 0; head < g.channels; head++) {
        const v: Variant = {
          group: g,
          ratio: 1 / g.channels,
          remove: [head],
          head,
          key: key(`${g.id}@head${head}`, 0),
        };
        v.metric = cache.get(v.key);
        variants.push(v);
      }
    }
  }
  let dense = cache.get(key('<dense>', 0));
  const pending = variants.filter((v) => v.metric === undefined && v.remove.length > 0);
  const fallback = new Map<string, string>();
  let done = 0;
  const progress = (v: Variant, cached: boolean) =>
    options.onProgress?.({ done: ++done, total: variants.length, group: v.group.id, ratio: v.ratio, cached });
  for (const v of variants) if (!pending.includes(v)) progress(v, v.metric !== undefined);

  if (pending.length > 0 || dense === undefined) {
    const outcome = await runSweep(
      model,
      analysis,
      set,
      pending,
      {
        metric,
        slices,
        batchSize,
        threads: options.threads,
        outputName: options.outputName,
        suffix: options.suffix,
        source: options.source,
        onDense: (m) => cache.set(key('<dense>', 0), m),
      },
      (v) => {
        cache.set((v as Variant).key, v.metric!);
        progress(v as Variant, false);
      },
    );
    dense = outcome.dense;
    for (const [g, why] of outcome.fallback) fallback.set(g, why);
  }
  // Groups evaluated by real pruning in an earlier (cached) run keep their flag.
  for (const g of groups) {
    const refusal = gateRefusal(g);
    if (refusal && !fallback.has(g.id)) fallback.set(g.id, refusal);
  }

  const facts = groupFacts(analysis);
  const entries: SensitivityEntry[] = groups.map((g) => {
    const drops = variants
      .filter((v) => v.group === g && v.head === undefined)
      .map((v) => {
        const m = v.remove.length ? v.metric! : dense!;
        return { ratio: v.ratio, removed: v.remove.length, metric: m, drop: dense! - m };
      });
    const sensitivity = drops.reduce((s, d) => s + d.drop, 0) / drops.length;
    const perHead = variants
      .filter((v) => v.group === g && v.head !== undefined)
      .map((v) => ({ head: v.head!, metric: v.metric!, drop: dense! - v.metric! }));
    const f = facts(g);
    return {
      group: g.id,
      sensitivity,
      probeRatio: ratios[ratios.length - 1],
      params: f.params,
      flops: f.flops,
      depth: f.depth,
      kind: f.kind,
      classifier: f.classifier,
      channels: g.channels,
      drops,
      dense: dense!,
      pruned: drops[drops.length - 1].metric,
      ...(perHead.length ? { perHead } : {}),
      evaluation: fallback.has(g.id) ? 'pruned' : 'gated',
      ...(fallback.has(g.id) ? { fallbackReason: fallback.get(g.id) } : {}),
    } satisfies SensitivityEntry;
  });
  entries.sort((a, b) => b.sensitivity - a.sensitivity || a.depth - b.depth || a.group.localeCompare(b.group));
  return {
    metric: slices.size ? `${metric} (worst of all, ${[...slices.keys()].join(', ')})` : metric,
    entries,
    dense,
    criterion,
    ratios,
    examples: set.count,
    totalParams: countParams(model),
    modelDigest: digests.model,
    dataDigest: digests.data,
  };
}

/** Example indices of the slices a sweep should also score. */
function sliceIndices(
  all: Record<string, Uint8Array>,
  wanted: boolean | readonly string[] | undefined,
  source: string,
): Map<string, Int32Array> {
  if (!wanted) return new Map();
  const names = wanted === true ? Object.keys(all).sort() : [...wanted];
  const unknown = names.filter((n) => !(n in all));
  if (unknown.length)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `${source}: ` +
        `no slice ${unknown.map((n) => `'${n}'`).join(', ')} (slices: ${Object.keys(all).join(', ') || 'none'})`,
    );
  return new Map(
    names.map((n) => {
      const idx = Int32Array.from([...all[n].keys()].filter((i) => all[n][i] === 1));
      if (idx.length === 0) throw new PruneguardError('E_BAD_DATA', `${source}: slice '${n}' is empty`);
      return [n, idx] as const;
    }),
  );
}
