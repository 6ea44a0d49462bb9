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
import type { Plan } from '../prune/plan.js';
import type { PruneCase } from './case.js';
import { executedInvariants, type ExecutedOptions } from './executed.js';

export { maskOracle } from './mask-oracle.js';

export interface MaskEquivalenceOptions {
  /** Fixed tolerance; by default each output's is derived from its precision and magnitude (runtime/tolerance.ts). */
  atol?: number;
  rtol?: number;
  seed?: number;
  /** Agreement required of outputs behind discrete ops (default 0.99). */
  agreement?: number;
  /** Receives how each output was judged, per input size. */
  onJudgement?: ExecutedOptions['onJudgement'];
}

/** mask-equivalence alone (see executed.ts, which runs it together with shape-consistency). */
export async function maskEquivalence(
  c: PruneCase & { plan: Plan },
  o: MaskEquivalenceOptions = {},
): Promise<Finding[]> {
  return executedInvariants(c, { ...o, shapeConsistency: false, maskEquivalence: true });
}
