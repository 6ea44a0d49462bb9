/**
 * shape-consistency: the pruned graph is internally consistent and keeps its
 * contract. Static inference finds no problem the dense graph did not have;
 * every graph output keeps its dense shape; onnxruntime loads the pruned model
 * and runs it at several input sizes, producing the dense output shapes.
 */
import type { Finding } from '../findings.js';
import { formatShape } from '../ir/format.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';
import type { Dim } from '../ir/types.js';
import type { PruneCase } from './case.js';
import { executedInvariants } from './executed.js';
import { planReference } from './plan-reference.js';

const invariant = 'shape-consistency';
const failureMode = 'shape-mismatch';

/** The static half: no new inference problem, graph outputs keep their dense shapes. */
export function staticShapeConsistency(c: PruneCase, shapes?: { dense: ShapeResult; pruned: ShapeResult }): Finding[] {
  const dense = shapes?.dense ?? inferShapes(c.dense);
  const pruned = shapes?.pruned ?? inferShapes(c.pruned);
  const findings: Finding[] = [];
  const known = new Set(dense.problems.map((p) => `${p.node}|${p.rule}`));
  for (const p of pruned.problems) {
    if (known.has(`${p.node}|${p.rule}`)) continue;
    findings.push({
      invariant,
      failureMode,
      where: p.node,
      message: `${p.op} '${p.node}': ${p.message} (inputs ${p.inputShapes.map(formatShape).join(', ')})`,
      expected: p.rule,
      received: p.inputShapes,
    });
  }
  for (const out of c.dense.graph.outputs) {
    const before = dense.values.get(out.name)?.shape;
    const after = pruned.values.get(out.name)?.shape;
    if (!c.pruned.graph.outputs.some((o) => o.name === out.name)) {
      findings.push({
        invariant,
        failureMode,
        where: out.name,
        message: `graph output '${out.name}' disappeared`,
        expected: formatShape(before),
        received: 'missing',
      });
    } else if (before && after && formatShape(before) !== formatShape(after) && !planChanges(c, out.name, after)) {
      findings.push({
        invariant,
        failureMode,
        where: out.name,
        message: `graph output '${out.name}' changed shape from ${formatShape(before)} to ${formatShape(after)}`,
        expected: before,
        received: after,
      });
    }
  }
  return findings;
}

/**
 * Whether the plan itself changes this output to `after` (a KV-cache output losing heads): what
 * pruneguard's pruner declares for it. interface-consistency judges such changes; here they are
 * the contract.
 */
function planChanges(c: PruneCase, name: string, after: readonly Dim[]): boolean {
  const declared = planReference(c)?.graph.outputs.find((o) => o.name === name)?.shape;
  // A declared unknown dim (null, e.g. past + seq) admits any inferred one.
  return !!declared && declared.length === after.length && declared.every((d, i) => d === null || d === after[i]);
}

/** The executed half: onnxruntime loads and runs the pruned model with the dense output shapes (see executed.ts). */
export async function executedShapeConsistency(c: PruneCase, seed = 0): Promise<Finding[]> {
  return executedInvariants(c, { seed, shapeConsistency: true, maskEquivalence: false });
}
