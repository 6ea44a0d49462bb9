/** Test helper: prune, then run pruned and mask oracle through onnxruntime at given input sizes. */
import { expect } from 'vitest';
import type { Model } from '../../ir/types.js';
import { createSession, randomInputs, releaseSession, run, type Feeds } from '../../runtime/index.js';
import { analyzeGroups } from '../groups.js';
import type { Plan } from '../plan.js';
import { ratioPlan } from '../plan-resolve.js';
import { prune, type PruneReport } from '../prune.js';
import { verify, type VerifyResult } from '../verify.js';

export interface Checked {
  pruned: Model;
  report: PruneReport;
  verified: VerifyResult;
}

/** Prunes with `plan` (or `--ratio`), checks shapes against the dense run and the mask oracle. */
export async function pruneAndVerify(
  dense: Model,
  plan: Plan | number,
  sizes: Record<string, readonly number[]>[],
  vocab = 10,
): Promise<Checked> {
  const p = typeof plan === 'number' ? ratioPlan(analyzeGroups(dense), plan) : plan;
  const { model: pruned, report } = prune(dense, p);
  const feeds: Feeds[] = sizes.map((s, i) => randomInputs(dense, s, { seed: i + 1, vocab }));
  // A pruned KV cache is an interface change: the pruned model takes the kept heads of the cache, which
  // verify() feeds it (and checks its outputs' shapes); the dense feeds fit only an unchanged interface.
  if (report.interface.length === 0) {
    const d = await createSession(dense);
    const q = await createSession(pruned);
    for (const f of feeds) {
      const [a, b] = [await run(d, f), await run(q, f)];
      for (const name of Object.keys(a)) expect(b[name].dims, `output ${name}`).toEqual(a[name].dims);
    }
    await releaseSession(d);
    await releaseSession(q);
  }
  const verified = await verify(dense, pruned, p, feeds);
  return { pruned, report, verified };
}
