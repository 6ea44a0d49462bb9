/**
 * All structural invariants on one pruned model, as users call them from their
 * own suites:
 *   expect(await checkStructure({ dense, pruned, plan })).toSatisfyInvariants();
 * Static invariants always run; executed ones (onnxruntime) unless `execute: false`.
 */
import { failing, type FailureMode, type Finding } from '../findings.js';
import { noSilentBroadcast } from '../invariants/no-silent-broadcast.js';
import { executedInvariants, type ExecutedOptions } from '../invariants/executed.js';
import { nmConformance } from '../invariants/nm-conformance.js';
import { staticShapeConsistency } from '../invariants/shape-consistency.js';
import { planFulfilled } from '../invariants/plan-fulfilled.js';
import { interfaceConsistency } from '../invariants/interface-consistency.js';
import type { PruneCase } from '../invariants/case.js';
import type { Plan } from '../prune/plan.js';
import { inferShapes } from '../shape/infer.js';

export interface StructureOptions {
  /** Run the model through onnxruntime (shape-consistency at run time, mask-equivalence). Default true. */
  execute?: boolean;
  /** Only these invariants (default: all). */
  only?: readonly string[];
  /** Skip execution when the static invariants already found something (properties shrink faster). */
  stopEarly?: boolean;
  /** onnxruntime graph optimisations (default 'all', as served; property runs use 'disabled'). */
  optimization?: ExecutedOptions['optimization'];
  /** One merged onnxruntime session for the pruned model and its reference (property runs). */
  merge?: boolean;
}

/** The invariants checkStructure runs, in order. */
export const STRUCTURAL_INVARIANTS = [
  'shape-consistency',
  'no-silent-broadcast',
  'nm-conformance',
  'mask-equivalence',
  'plan-fulfilled',
  'interface-consistency',
] as const;

/** The structural invariants that guard each failure mode. */
export const GUARDS: Partial<Record<FailureMode, readonly string[]>> = {
  'shape-mismatch': ['shape-consistency', 'no-silent-broadcast', 'mask-equivalence'],
  'nm-nonconformance': ['nm-conformance'],
  'hardware-headroom': ['plan-fulfilled'],
};

/** Checks a pruned model against its dense model and plan with every structural invariant; findings as data. */
export async function checkStructure(c: PruneCase, o: StructureOptions = {}): Promise<Finding[]> {
  const findings = checkStructureStatic(c, o);
  if (o.execute === false || (o.stopEarly && failing(findings).length)) return findings;
  const want = (id: string) => !o.only || o.only.includes(id);
  // A graph that fails statically is still executed: onnxruntime's verdict is the ground truth.
  if (want('shape-consistency') || (want('mask-equivalence') && c.plan)) {
    findings.push(
      ...(await executedInvariants(c, {
        shapeConsistency: want('shape-consistency'),
        maskEquivalence: want('mask-equivalence'),
        optimization: o.optimization,
        merge: o.merge,
      })),
    );
  }
  return findings;
}

/** The invariants that need no execution. */
export function checkStructureStatic(c: PruneCase, o: Pick<StructureOptions, 'only'> = {}): Finding[] {
  const want = (id: string) => !o.only || o.only.includes(id);
  const shapes = { dense: c.denseShapes ?? inferShapes(c.dense), pruned: inferShapes(c.pruned) };
  const findings: Finding[] = [];
  if (want('shape-consistency')) findings.push(...staticShapeConsistency(c, shapes));
  if (want('no-silent-broadcast')) findings.push(...noSilentBroadcast(c, shapes));
  if (want('nm-conformance') && (c.plan as Plan | undefined)?.nm?.length)
    findings.push(...nmConformance({ dense: c.dense, pruned: c.pruned, plan: c.plan as Plan }));
  // Both compare with pruneguard's own pruning of the plan (one more prune per case), so they run when asked for or
  // when the plan is known.
  if (c.plan && want('plan-fulfilled')) findings.push(...planFulfilled(c));
  if (want('interface-consistency')) findings.push(...interfaceConsistency(c));
  return findings;
}
