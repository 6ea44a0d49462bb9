/**
 * mask-equivalence: structural removal computes exactly what the mask oracle
 * computes (src/prune/mask.ts: the dense graph with the removed channels zeroed
 * where they enter their consumers, plus the plan's unstructured and N:M masks),
 * checked through onnxruntime at several input sizes. This metamorphic property
 * catches pruner bugs numerically without trusting our own shape code. Groups
 * that are not mask-exact (normalization statistics over the pruned axis) are
 * skipped with a warning rather than reported as false deviations.
 */
import type { Finding } from '../findings.js';
import type { Model } from '../ir/types.js';
import { applyNm, applyUnstructured } from '../prune/masks/index.js';
import { mask } from '../prune/mask.js';
import type { Plan } from '../prune/plan.js';
import { compareOutputs } from '../runtime/compare.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { deriveSizes, type PruneCase } from './case.js';

const invariant = 'mask-equivalence';
const failureMode = 'shape-mismatch';

export interface MaskEquivalenceOptions {
  atol?: number;
  rtol?: number;
  seed?: number;
}

/** The oracle for a whole plan: structured removals as entry masks, then the plan's own masks. */
export function maskOracle(dense: Model, plan: Plan): { model: Model; inexact: { group: string; reasons: string[] }[] } {
  const m = mask(dense, { ...plan, unstructured: undefined, nm: undefined });
  let model = m.model;
  if (plan.unstructured?.length) model = applyUnstructured(model, plan.unstructured).model;
  if (plan.nm?.length) model = applyNm(model, plan.nm).model;
  return { model, inexact: m.inexact };
}

export async function maskEquivalence(c: PruneCase & { plan: Plan }, o: MaskEquivalenceOptions = {}): Promise<Finding[]> {
  const oracle = maskOracle(c.dense, c.plan);
  if (oracle.inexact.length) {
    return [{
      invariant, failureMode, severity: 'warning', where: oracle.inexact.map((i) => i.group).join(', '),
      message: `not checked: removal is not equivalent to masking for ${oracle.inexact.map((i) => `${i.group} (${i.reasons[0]})`).join('; ')}`,
    }];
  }
  let pruned;
  try {
    pruned = await createSession(c.pruned);
  } catch (e) {
    return [{ invariant, failureMode, where: 'session', message: `onnxruntime cannot load the pruned model: ${String((e as Error).message).split('\n')[0]}` }];
  }
  const masked = await createSession(oracle.model);
  const findings: Finding[] = [];
  for (const sizes of c.sizes ?? deriveSizes(c.dense)) {
    const feeds = randomInputs(c.dense, sizes, { seed: o.seed ?? 0, vocab: c.vocab });
    const want = await run(masked, feeds);
    let got;
    try {
      got = await run(pruned, feeds);
    } catch (e) {
      findings.push({ invariant, failureMode, where: 'run', message: `the pruned model fails where the mask oracle runs: ${String((e as Error).message).split('\n')[0]}` });
      continue;
    }
    const cmp = compareOutputs(got, want, { atol: o.atol ?? 1e-4, rtol: o.rtol ?? 1e-3 });
    for (const [name, r] of Object.entries(cmp.outputs)) {
      if (r.pass) continue;
      findings.push({
        invariant, failureMode, where: name,
        message: `output '${name}' differs from the mask oracle at ${Object.entries(sizes).map(([k, v]) => `${k}=[${v}]`).join(' ')}: ${r.reason ?? `max |Δ| ${r.maxAbs.toExponential(2)} at [${r.worstAt.join(',')}] (pruned ${r.worst?.a}, oracle ${r.worst?.b})`}`,
        expected: r.worst?.b, received: r.worst?.a,
      });
    }
  }
  return findings;
}
