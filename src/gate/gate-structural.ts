/**
 * The structural gates of `check`: shape-consistency, no-silent-broadcast and
 * mask-equivalence (shape-mismatch), nm-conformance (nm-nonconformance). The
 * same invariants as checkStructure, called one by one so the config's sizes
 * and tolerances reach them.
 */
import type { Finding } from '../findings.js';
import { deriveSizes, type PruneCase } from '../invariants/case.js';
import { maskEquivalence } from '../invariants/mask-equivalence.js';
import { nmConformance } from '../invariants/nm-conformance.js';
import { noSilentBroadcast } from '../invariants/no-silent-broadcast.js';
import { executedShapeConsistency, staticShapeConsistency } from '../invariants/shape-consistency.js';
import type { Model } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';
import { inferShapes } from '../shape/infer.js';
import { DEFAULTS, type StructuralConfig } from './config.js';
import type { GateOutcome } from './outcome.js';

export interface StructuralInput {
  dense: Model;
  /** The model whose structure is checked (the float model of a quantized pruned model). */
  pruned: Model;
  plan?: Plan;
  config?: StructuralConfig;
  /** The pruned model is quantized: compare with the float model is not meaningful, so no mask oracle. */
  quantizedOnly?: boolean;
}

const sizesText = (sizes: Record<string, number[]>[]) => sizes.map((s) => Object.entries(s).map(([k, v]) => `${k}=[${v.join(',')}]`).join(' ')).join('; ');

export async function structuralGates(input: StructuralInput): Promise<{ outcomes: GateOutcome[]; sizes: Record<string, number[]>[] }> {
  const cfg = { ...DEFAULTS.structural, ...input.config };
  const sizes = cfg.sizes ?? deriveSizes(input.dense, cfg.dims);
  const c: PruneCase = { dense: input.dense, pruned: input.pruned, plan: input.plan, sizes, vocab: cfg.vocab };
  const shapes = { dense: inferShapes(c.dense), pruned: inferShapes(c.pruned) };
  const findings: Finding[] = [...staticShapeConsistency(c, shapes), ...noSilentBroadcast(c, shapes)];
  const executed = await executedShapeConsistency(c);
  findings.push(...executed);
  const ran = ['shape-consistency', 'no-silent-broadcast'];
  const loads = !executed.some((f) => /cannot load/.test(f.message));
  let maskNote = input.plan ? '' : '; mask-equivalence needs --plan';
  if (input.plan && input.quantizedOnly) maskNote = '; mask-equivalence not run on a quantized model without quantization.floatModel';
  else if (input.plan && loads) {
    findings.push(...(await maskEquivalence({ ...c, plan: input.plan }, { atol: cfg.atol, rtol: cfg.rtol })));
    ran.push('mask-equivalence');
  }
  const outcomes: GateOutcome[] = [{
    gate: 'structure', mode: 'shape-mismatch', ran: true, findings,
    reason: `${ran.join(', ')} at ${sizesText(sizes)}${maskNote}`,
  }];
  const nm = input.plan?.nm?.filter(Boolean) ?? [];
  outcomes.push(nm.length
    ? { gate: 'nm-conformance', mode: 'nm-nonconformance', ran: true, findings: nmConformance({ dense: c.dense, pruned: c.pruned, plan: input.plan! }), reason: `nm-conformance on ${nm.map((s) => s.tensor).join(', ')}` }
    : { gate: 'nm-conformance', mode: 'nm-nonconformance', ran: false, findings: [], reason: input.plan ? 'the plan declares no N:M tensors' : 'needs --plan (the N:M tensors it declares)' });
  return { outcomes, sizes };
}
