/**
 * `verify(dense, pruned, plan, inputs)`: runs the pruned model and the mask
 * oracle of the dense model (see mask.ts) through onnxruntime on the same feeds
 * and reports the largest deviation. Groups that are not mask-exact are reported
 * as such (their deviation is expected, not a bug).
 */
import type { Model } from '../ir/types.js';
import { compareOutputs, createSession, releaseSession, run, type Feeds, type Tolerance } from '../runtime/index.js';
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
  const masked = mask(dense, structuredOnly(plan));
  const a = await createSession(pruned, { source: 'pruned model' });
  const b = await createSession(masked.model, { source: 'masked dense model' });
  let maxDeviation = 0, pass = true;
  let shapeMismatch: string | undefined;
  try {
    for (const f of Array.isArray(feeds) ? feeds : [feeds]) {
      // A pruned KV cache: the pruned model reads the kept heads, the dense side zeros in the removed ones.
      const fa: Feeds = { ...f }, fb: Feeds = { ...f };
      for (const c of masked.cache) {
        if (!(c.name in f)) continue;
        fa[c.name] = takeAlong(f[c.name], c.axis, c.keep);
        fb[c.name] = zeroAlong(f[c.name], c.axis, c.removed);
      }
      // A removed layer took its cache inputs with it: each side reads only the inputs it has.
      const only = (f: Feeds, names: readonly string[]): Feeds => Object.fromEntries(Object.entries(f).filter(([n]) => names.includes(n)));
      const denseOut = await run(b, only(fb, b.inputNames));
      for (const c of masked.cache) if (c.name in denseOut) denseOut[c.name] = takeAlong(denseOut[c.name], c.axis, c.keep);
      const cmp = compareOutputs(await run(a, only(fa, a.inputNames)), denseOut, tol);
      for (const [name, c] of Object.entries(cmp.outputs)) {
        if (c.reason) shapeMismatch ??= `${name}: ${c.reason}`;
        else maxDeviation = Math.max(maxDeviation, c.maxAbs);
      }
      pass &&= cmp.pass;
    }
  } finally {
    await releaseSession(a);
    await releaseSession(b);
  }
  return { maxDeviation, pass, ...(shapeMismatch ? { shapeMismatch } : {}), inexact: masked.inexact, exact: masked.inexact.length === 0 };
}
