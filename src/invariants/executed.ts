/**
 * The executed invariants in one pass through onnxruntime: the pruned model is
 * loaded once and run at every input size next to a reference — the mask
 * oracle when the plan is known (it has the dense graph's shapes, so it serves
 * both checks), else the dense model.
 *  - shape-consistency: the pruned model loads, runs, and produces the reference's output shapes;
 *  - mask-equivalence: its outputs equal the oracle's (only with a plan, only for mask-exact groups).
 */
import { PruneguardError } from '../errors.js';
import type { Finding } from '../findings.js';
import type { Plan } from '../prune/plan.js';
import { judgeOutput, type OutputJudgement } from '../runtime/judge.js';
import { outputKinds } from '../runtime/output-kinds.js';
import { describeFeeds, runReference } from '../runtime/reference-run.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run, type Feeds, type Outputs } from '../runtime/run.js';
import { canMerge, mergeModels } from '../runtime/merge.js';
import type { Model } from '../ir/types.js';
import { createSession, releaseSession, type Session, type SessionOptions } from '../runtime/session.js';
import { deriveSizes, type PruneCase } from './case.js';
import { maskOracle } from './mask-oracle.js';
import { indexGraph } from '../ir/graph-index.js';
import { cacheInterface } from '../prune/kv-cache.js';
import type { CacheSlice } from '../prune/mask.js';
import { takeAlong, zeroAlong } from '../prune/slice.js';

export interface ExecutedOptions {
  /** Which executed invariants to report (default both). */
  shapeConsistency?: boolean;
  maskEquivalence?: boolean;
  atol?: number;
  rtol?: number;
  seed?: number;
  /**
   * onnxruntime graph optimisations for these sessions (default 'all', as served). Property runs
   * use 'disabled': the graph runs as written, and a session costs half as much to create.
   */
  optimization?: SessionOptions['graphOptimizationLevel'];
  /** Run the pruned model and its reference in one merged session (property runs: one session per case). */
  merge?: boolean;
  /** Agreement required of outputs behind discrete ops (default 0.99, see runtime/judge.ts). */
  agreement?: number;
  /** Receives how each output was judged by mask-equivalence, at each input size (for reports). */
  onJudgement?: (j: OutputJudgement, at: string) => void;
}

const SHAPE = { invariant: 'shape-consistency', failureMode: 'shape-mismatch' } as const;

/** Sessions made for a check: run at a few sizes and released, so without a memory arena. */
const checkSession = (o: ExecutedOptions): SessionOptions => ({
  graphOptimizationLevel: o.optimization,
  memArena: false,
});
const MASK = { invariant: 'mask-equivalence', failureMode: 'shape-mismatch' } as const;

export async function executedInvariants(c: PruneCase, o: ExecutedOptions = {}): Promise<Finding[]> {
  const wantShape = o.shapeConsistency ?? true;
  const wantMask = (o.maskEquivalence ?? true) && c.plan !== undefined;
  const findings: Finding[] = [];
  // A plan that shrinks a KV cache changes what the pruned model is fed: the oracle says how (even for shapes only).
  const needOracle = wantMask || (c.plan !== undefined && hasCache(c.dense));
  const oracle = needOracle ? (c.oracle ?? maskOracle(c.dense, c.plan as Plan)) : undefined;
  const cache = oracle?.cache ?? [];
  if (oracle?.inexact.length) {
    findings.push({
      ...MASK,
      severity: 'warning',
      where: oracle.inexact.map((i) => i.group).join(', '),
      message:
        `not checked: ` +
        `removal is not equivalent to masking ` +
        `for ${oracle.inexact.map((i) => `${i.group} (${i.reasons[0]})`).join('; ')}`,
    });
  }
  const compareValues = wantMask && !oracle?.inexact.length;
  // The oracle shares the dense graph's shapes, so one reference serves both checks.
  const reference = oracle && wantMask && !oracle.inexact.length ? oracle.model : c.dense;
  const sizes = (
    c.feeds
      ? c.feeds.map((feeds) => ({ at: describeFeeds(feeds), feeds }))
      : (c.sizes ?? deriveSizes(c.dense)).map((s) => ({
          at: Object.entries(s)
            .map(([k, v]) => `${k}=[${v.join(',')}]`)
            .join(' '),
          feeds: randomInputs(c.dense, s, { seed: o.seed ?? 0, vocab: c.vocab }),
        }))
  ).map((s) => withCacheFeeds(s, cache));
  const blame = { denseSource: c.denseSource ?? 'dense model', oracleOf: reference === c.dense ? undefined : c.dense };
  const outcome =
    (o.merge && !cache.length && canMerge(c.pruned, reference) && (await runMerged(c.pruned, reference, sizes, o))) ||
    (await runSeparately(c.pruned, reference, sizes, o, blame, cache));
  if ('loadError' in outcome) {
    const f = {
      ...SHAPE,
      where: 'session',
      message: `onnxruntime cannot load the pruned model: ${outcome.loadError}`,
      expected: 'loads',
      received: outcome.loadError,
    };
    return [...findings, f, ...(compareValues && !wantShape ? [{ ...f, ...MASK }] : [])].filter(
      (x) => wantShape || x.invariant !== SHAPE.invariant,
    );
  }
  let kinds: Map<string, ReturnType<typeof outputKinds>[number]> | undefined;
  for (const { at, want, got, error } of outcome.runs) {
    if (!got) {
      if (wantShape)
        findings.push({
          ...SHAPE,
          where: at,
          message: `onnxruntime fails on the pruned model at ${at}: ${error}`,
          expected: 'runs',
          received: error,
        });
      if (compareValues && !wantShape)
        findings.push({
          ...MASK,
          where: 'run',
          message: `the pruned model fails where the mask oracle runs: ${error}`,
        });
      continue;
    }
    for (const [name, t] of Object.entries(want)) {
      const g = got[name];
      if (!g || g.dims.join() !== t.dims.join()) {
        if (wantShape)
          findings.push({
            ...SHAPE,
            where: name,
            message:
              `output '${name}' at ${at} has shape ${g ? `[${g.dims.join(',')}]` : 'missing'}, ` +
              `dense [${t.dims.join(',')}]`,
            expected: t.dims,
            received: g?.dims,
          });
      }
    }
    if (!compareValues) continue;
    kinds ??= new Map(outputKinds(c.dense).map((k) => [k.name, k]));
    const tolerance = o.atol !== undefined || o.rtol !== undefined ? { atol: o.atol, rtol: o.rtol } : undefined;
    for (const [name, t] of Object.entries(want)) {
      const g = got[name];
      if (!g) continue;
      const r = judgeOutput(kinds.get(name) ?? { name, precision: 'float32' }, g, t, {
        tolerance,
        agreement: o.agreement,
      });
      o.onJudgement?.(r, at);
      if (r.pass || r.mismatch) continue; // a shape difference is shape-consistency's finding
      const how =
        r.judged === 'agreement'
          ? `agrees on ${(100 * r.agreement).toFixed(2)}% of elements, needs ${(100 * r.threshold!).toFixed(0)}% ` +
            `(${r.basis})`
          : `max |Δ| ${r.maxDeviation.toExponential(2)} beyond atol ${r.atol.toExponential(2)} + ` +
            `rtol ${r.rtol.toExponential(2)}·|oracle| (${r.basis})`;
      findings.push({
        ...MASK,
        where: name,
        message: `output '${name}' differs from the mask oracle at ${at}: ${how}`,
        expected: 'mask oracle outputs',
        received: r.maxDeviation,
      });
    }
  }
  return findings;
}

interface Sized {
  at: string;
  /** What the reference reads (for a shrunk KV cache: the dense cache with the removed positions zeroed). */
  feeds: Feeds;
  /** What the pruned model reads when it differs: the kept positions of a shrunk KV cache. */
  prunedFeeds?: Feeds;
}

function hasCache(model: Model): boolean {
  return cacheInterface(model.graph, indexGraph(model.graph)).size > 0;
}

/**
 * Feeds of both sides when the plan shrinks a KV cache: the pruned model reads the kept positions (as its
 * server would allocate them), the reference the dense cache with the removed ones zeroed, which the
 * mask oracle then ignores as it ignores removed channels.
 */
function withCacheFeeds(s: Sized, cache: readonly CacheSlice[]): Sized {
  const fed = cache.filter((c) => c.name in s.feeds);
  if (!fed.length) return s;
  const feeds: Feeds = { ...s.feeds };
  const prunedFeeds: Feeds = { ...s.feeds };
  for (const c of fed) {
    // A cache may shrink on two axes (KV heads and head size): each slice applies to the last.
    feeds[c.name] = zeroAlong(feeds[c.name], c.axis, c.removed);
    prunedFeeds[c.name] = takeAlong(prunedFeeds[c.name], c.axis, c.keep);
  }
  return { ...s, feeds, prunedFeeds };
}

/** The reference's outputs as the pruned model should give them: shrunk KV-cache outputs at their kept positions. */
function keptOutputs(out: Outputs, cache: readonly CacheSlice[]): Outputs {
  const kept = { ...out };
  for (const c of cache) if (c.name in kept) kept[c.name] = takeAlong(kept[c.name], c.axis, c.keep);
  return kept;
}
interface PairRun {
  at: string;
  want: Outputs;
  got?: Outputs;
  error?: string;
}
type PairOutcome = { runs: PairRun[] } | { loadError: string };

/**
 * The pruned model and the reference in one session. Undefined when that fails: the caller then runs them apart to say
 * which side fails and how.
 */
async function runMerged(
  pruned: Model,
  reference: Model,
  sizes: readonly Sized[],
  o: ExecutedOptions,
): Promise<PairOutcome | undefined> {
  let session: Session;
  try {
    session = await createSession(mergeModels(pruned, reference, 'pruned', 'reference'), checkSession(o));
  } catch {
    return undefined;
  }
  try {
    const runs: PairRun[] = [];
    for (const { at, feeds } of sizes) {
      const out = await run(session, feeds);
      const side = (prefix: string) =>
        Object.fromEntries(
          Object.entries(out)
            .filter(([k]) => k.startsWith(`${prefix}/`))
            .map(([k, v]) => [k.slice(prefix.length + 1), v]),
        );
      runs.push({ at, want: side('reference'), got: side('pruned') });
    }
    return { runs };
  } catch {
    return undefined;
  } finally {
    await releaseSession(session);
  }
}

async function runSeparately(
  prunedModel: Model,
  referenceModel: Model,
  sizes: readonly Sized[],
  o: ExecutedOptions,
  blame: { denseSource: string; oracleOf?: Model },
  cache: readonly CacheSlice[] = [],
): Promise<PairOutcome> {
  // The reference first: when onnxruntime refuses the dense model itself, that is bad input naming
  // its file, never "the pruned model cannot load".
  const reference = await loadReference(referenceModel, o, blame);
  let pruned: Session;
  try {
    pruned = await createSession(prunedModel, checkSession(o));
  } catch (e) {
    await releaseSession(reference);
    return { loadError: firstLine(e) };
  }
  try {
    const runs: PairRun[] = [];
    for (const { at, feeds, prunedFeeds } of sizes) {
      const want = keptOutputs(await runReference(reference, feeds, blame.denseSource, blame.oracleOf), cache);
      try {
        runs.push({ at, want, got: await run(pruned, prunedFeeds ?? feeds) });
      } catch (e) {
        runs.push({ at, want, error: firstLine(e) });
      }
    }
    return { runs };
  } finally {
    await Promise.all([releaseSession(pruned), releaseSession(reference)]);
  }
}

/** A session of the reference; a dense model onnxruntime refuses is bad input naming the dense file. */
async function loadReference(model: Model, o: ExecutedOptions, blame: { denseSource: string; oracleOf?: Model }) {
  try {
    return await createSession(model, checkSession(o));
  } catch (e) {
    if (blame.oracleOf) {
      // The oracle is the dense model with zeroed channels: if the dense model loads, the oracle is our bug.
      const dense = await createSession(blame.oracleOf, checkSession(o)).catch((de) => {
        throw denseCannotLoad(blame.denseSource, de);
      });
      await releaseSession(dense);
      throw new Error(`the mask oracle of ${blame.denseSource} cannot load (a pruneguard bug): ${firstLine(e)}`, {
        cause: e,
      });
    }
    throw denseCannotLoad(blame.denseSource, e);
  }
}

const denseCannotLoad = (source: string, e: unknown) =>
  new PruneguardError('E_RUNTIME', `${source}: onnxruntime cannot load the dense model: ${firstLine(e)}`, { cause: e });

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
