/**
 * `verify(dense, pruned, plan, inputs)`: runs the pruned model and the mask
 * oracle of the dense model (see mask.ts) through onnxruntime on the same feeds
 * and reports the largest deviation. Groups that are not mask-exact are reported
 * as such (their deviation is expected, not a bug).
 */
import type { Model } from '../ir/types.js';
import { compareOutputs, createSession, releaseSession, run, type Feeds, type Outputs, type Tolerance } from '../runtime/index.js';
import { mask } from './mask.js';
import type { Plan } from './plan.js';
import { takeAlong, zeroAlong } from './slice.js';

export interface VerifyResult {
  /** max |pruned - masked| over all outputs and all feeds. */
  maxDeviation: number;
  pass: boolean;
  /** Output shapes differ from the masked (dense) model's. */
  shapeMismatch?: string;
  inexact: { group: string; reasons: string[] }[];
  /** True when every pruned group is mask-exact, so `pass` is meaningful as an equivalence. */
  exact: boolean;
}

/** Structured part of a plan: masks change values on both sides differently, so they are left out. */
export function structuredOnly(plan: Plan): Plan {
  return { ...(plan.version ? { version: plan.version } : {}), channels: plan.channels ?? [], heads: plan.heads ?? [], ...(plan.layers ? { layers: plan.layers } : {}), ...(plan.guards ? { guards: plan.guards } : {}) };
}

export async function verify(dense: Model, pruned: Model, plan: Plan, feeds: Feeds | Feeds[], tol: Tolerance = { atol: 1e-4, rtol: 1e-3 }): Promise<VerifyResult> {
  let masked: ReturnType<typeof mask> | undefined = mask(dense, structuredOnly(plan));
  const { cache, inexact } = masked;
  // A pruned KV cache: the pruned model reads the kept heads, the dense side zeros in the removed ones.
  const sides = (Array.isArray(feeds) ? feeds : [feeds]).map((f) => {
    const fa: Feeds = { ...f }, fb: Feeds = { ...f };
    for (const c of cache) {
      if (!(c.name in f)) continue;
      fa[c.name] = takeAlong(f[c.name], c.axis, c.keep);
      fb[c.name] = zeroAlong(f[c.name], c.axis, c.removed);
    }
    return { fa, fb };
  });
  // One session at a time, released before the next is made: memory stays bounded by one model.
  const denseOuts = await runEach(masked.model, 'masked dense model', sides.map((s) => s.fb));
  masked = undefined;
  for (const out of denseOuts) for (const c of cache) if (c.name in out) out[c.name] = takeAlong(out[c.name], c.axis, c.keep);
  const prunedOuts = await runEach(pruned, 'pruned model', sides.map((s) => s.fa));
  let maxDeviation = 0, pass = true;
  let shapeMismatch: string | undefined;
  prunedOuts.forEach((out, i) => {
    const cmp = compareOutputs(out, denseOuts[i], tol);
    for (const [name, c] of Object.entries(cmp.outputs)) {
      if (c.reason) shapeMismatch ??= `${name}: ${c.reason}`;
      else maxDeviation = Math.max(maxDeviation, c.maxAbs);
    }
    pass &&= cmp.pass;
  });
  return { maxDeviation, pass, ...(shapeMismatch ? { shapeMismatch } : {}), inexact, exact: inexact.length === 0 };
}

/** Runs `model` on each of `feeds` in one session, released before returning. */
async function runEach(model: Model, source: string, feeds: readonly Feeds[]): Promise<Outputs[]> {
  const session = await createSession(model, { source });
  try {
    // A removed layer took its cache inputs with it: each side reads only the inputs it has.
    const only = (f: Feeds): Feeds => Object.fromEntries(Object.entries(f).filter(([n]) => session.inputNames.includes(n)));
    const outs: Outputs[] = [];
    for (const f of feeds) outs.push(await run(session, only(f)));
    return outs;
  } finally {
    await releaseSession(session);
  }
}
