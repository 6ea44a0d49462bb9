/**
 * `verify(dense, pruned, plan, feeds)`: runs the pruned model and the mask oracle of the dense
 * model (see mask.ts) through onnxruntime on the same feeds and judges every output the way its
 * kind asks (src/runtime/output-kinds.ts, judge.ts): by a tolerance derived from its precision and
 * magnitude, or, behind a discrete decision, by the share of agreeing elements.
 *
 * Who is to blame is kept apart: when the oracle cannot run on the feeds, the dense model is run;
 * if it fails too, the inputs do not suit the model (PruneguardError naming the dense model: bad
 * input, never "the pruned model failed"); if only the oracle fails, that is pruneguard's own bug.
 * A pruned model that cannot load or run where the oracle runs is a finding.
 *
 * One onnxruntime session at a time (the oracle on every feed, released, the masked model dropped,
 * then the pruned model), so memory stays bounded by one model. The oracle's zeroed weights are made
 * only while it is written for onnxruntime (mask `deferred`), the pruned model may be a file already
 * written (prune --verify stages its output), and sessions skip the memory arena and weight
 * prepacking, which pay off only over many runs.
 *
 * Groups that are not mask-exact are reported as such: their deviation is information, not a
 * verdict (status 'inexact'); loading, running and output shapes are still judged.
 */
import type { Model } from '../ir/types.js';
import {
  createSession,
  type ModelFile,
  type SessionOptions,
  releaseSession,
  run,
  type Feeds,
  type Outputs,
  type Session,
  type Tolerance,
} from '../runtime/index.js';
import { judgeOutput, type OutputJudgement } from '../runtime/judge.js';
import { outputKinds } from '../runtime/output-kinds.js';
import { describeFeeds, runReference } from '../runtime/reference-run.js';
import type { GroupAnalysis } from './groups.js';
import { mask } from './mask.js';
import type { Plan } from './plan.js';
import { takeAlong, zeroAlong } from './slice.js';

export interface VerifyOptions {
  /** Fixed atol/rtol instead of the ones derived from each output's precision and magnitude. */
  tolerance?: Tolerance;
  /** Required share of agreeing elements for outputs behind a discrete decision (default 0.99). */
  agreement?: number;
  /** What messages call the dense model (its file). Default 'dense model'. */
  denseSource?: string;
  /** The dense model's file, for a session of it when the oracle fails (blame); default: the model. */
  denseFile?: string;
  /** analyzeGroups(dense) already made (left untouched), so the oracle does not analyse again. */
  analysis?: GroupAnalysis;
}

/** Sessions created once, run once or twice, released: no arena, no prepacked weights. */
const ONE_SHOT: SessionOptions = { memArena: false, prepacking: false };

export interface VerifyResult {
  /** max |pruned - masked| over all outputs and all feeds. */
  maxDeviation: number;
  /** Every output of every run judged equal (meaningful as an equivalence only when `exact`). */
  pass: boolean;
  /**
   * 'pass' / 'fail' on mask-exact plans; 'inexact' when the deviation is information only (and the pruned model runs
   * with the right shapes); 'inconclusive' when it would pass but no output could have shown an error (every
   * reference output has no nonzero value on the inputs run).
   */
  status: 'pass' | 'fail' | 'inexact' | 'inconclusive';
  /** Output shapes differ from the masked (dense) model's. */
  shapeMismatch?: string;
  /** The pruned model cannot be loaded or run where the oracle runs. */
  prunedError?: string;
  inexact: { group: string; reasons: string[] }[];
  /** True when every pruned group is mask-exact, so `pass` is meaningful as an equivalence. */
  exact: boolean;
  /** Per output, its worst run: how it was judged and the numbers. */
  outputs: OutputJudgement[];
  /** The input shapes run at, one entry per feed set. */
  runs: string[];
}

/** Structured part of a plan: masks change values on both sides differently, so they are left out. */
export function structuredOnly(plan: Plan): Plan {
  return {
    ...(plan.version ? { version: plan.version } : {}),
    channels: plan.channels ?? [],
    heads: plan.heads ?? [],
    ...(plan.layers ? { layers: plan.layers } : {}),
    ...(plan.guards ? { guards: plan.guards } : {}),
  };
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** The worse of two judgements of one output. */
function worse(a: OutputJudgement | undefined, b: OutputJudgement): OutputJudgement {
  if (!a) return b;
  if (a.pass !== b.pass) return a.pass ? b : a;
  return b.maxDeviation > a.maxDeviation || b.agreement < a.agreement
    ? { ...b, maxDeviation: Math.max(a.maxDeviation, b.maxDeviation), agreement: Math.min(a.agreement, b.agreement) }
    : a;
}

/** Runs the pruned model and the mask oracle on the same inputs and compares their outputs. */
export async function verify(
  dense: Model,
  pruned: Model | ModelFile,
  plan: Plan,
  feeds: Feeds | Feeds[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const denseSource = options.denseSource ?? 'dense model';
  let masked: ReturnType<typeof mask> | undefined = mask(dense, structuredOnly(plan), {
    analysis: options.analysis,
    deferred: true,
  });
  const { cache, inexact } = masked;
  const kinds = new Map(outputKinds(dense).map((k) => [k.name, k]));
  const feedList: Feeds[] = Array.isArray(feeds) ? feeds : [feeds];
  // A pruned KV cache: the pruned model reads the kept heads, the dense side zeros in the removed ones.
  const sides = feedList.map((f) => {
    const fa: Feeds = { ...f },
      fb: Feeds = { ...f };
    for (const c of cache) {
      if (!(c.name in f)) continue;
      fa[c.name] = takeAlong(f[c.name], c.axis, c.keep);
      fb[c.name] = zeroAlong(f[c.name], c.axis, c.removed);
    }
    return { fa, fb };
  });
  // A removed layer took its cache inputs with it: each side reads only the inputs it has.
  const only = (f: Feeds, names: readonly string[]): Feeds =>
    Object.fromEntries(Object.entries(f).filter(([n]) => names.includes(n)));
  // One session at a time, released before the next is made: memory stays bounded by one model.
  const oracle = await createSession(masked.model, { ...ONE_SHOT, source: `mask oracle of ${denseSource}` });
  const blame = options.denseFile ? { path: options.denseFile } : dense;
  const wants: Outputs[] = [];
  try {
    for (const { fb } of sides) wants.push(await runReference(oracle, only(fb, oracle.inputNames), denseSource, blame));
  } finally {
    await releaseSession(oracle);
  }
  masked = undefined;
  for (const out of wants)
    for (const c of cache) if (c.name in out) out[c.name] = takeAlong(out[c.name], c.axis, c.keep);
  const judged = new Map<string, OutputJudgement>();
  let prunedError: string | undefined;
  let shapeMismatch: string | undefined;
  let session: Session | undefined;
  try {
    session = await createSession(pruned, { ...ONE_SHOT, source: 'pruned model' });
  } catch (e) {
    prunedError = `onnxruntime cannot load the pruned model: ${firstLine(e)}`;
  }
  if (session) {
    try {
      for (const [i, { fa }] of sides.entries()) {
        let got: Outputs;
        try {
          got = await run(session, only(fa, session.inputNames));
        } catch (e) {
          prunedError ??=
            `the pruned model fails where the mask oracle runs ` + `(${describeFeeds(feedList[i])}): ${firstLine(e)}`;
          continue;
        }
        for (const [name, w] of Object.entries(wants[i])) {
          const g = got[name];
          if (!g) {
            shapeMismatch ??= `${name}: missing from the pruned model's outputs`;
            continue;
          }
          const j = judgeOutput(kinds.get(name) ?? { name, precision: 'float32' }, g, w, options);
          if (j.mismatch) shapeMismatch ??= `${name}: ${j.mismatch}`;
          judged.set(name, worse(judged.get(name), j));
        }
      }
    } finally {
      await releaseSession(session);
    }
  }
  const outputs = [...judged.values()];
  const exact = inexact.length === 0;
  const maxDeviation = outputs.filter((o) => !o.mismatch).reduce((m, o) => Math.max(m, o.maxDeviation), 0);
  const pass = !prunedError && !shapeMismatch && outputs.every((o) => o.pass);
  const blind = outputs.length > 0 && outputs.every((o) => o.uninformative);
  const status =
    prunedError || shapeMismatch ? 'fail' : !exact ? 'inexact' : !pass ? 'fail' : blind ? 'inconclusive' : 'pass';
  const runs = feedList.map((f) => describeFeeds(f));
  return {
    maxDeviation,
    pass,
    status,
    ...(shapeMismatch ? { shapeMismatch } : {}),
    ...(prunedError ? { prunedError } : {}),
    inexact,
    exact,
    outputs,
    runs,
  };
}
