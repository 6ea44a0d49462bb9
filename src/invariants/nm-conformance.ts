/**
 * nm-conformance: every weight the plan declares N:M has at most N non-zeros
 * in every group of M consecutive elements along its reduction axis, that axis
 * is a multiple of M long, and some sparse-kernel family would still accept the
 * weight. The seed's warning is that "small model changes can disable sparse
 * kernels entirely": a 2:4 pattern on the wrong axis, broken by a later
 * structured pass, or on dims no kernel takes, costs accuracy and buys nothing.
 *
 * Severity: `Finding` has no severity field; this invariant adds an optional
 * `severity: 'warning'` (type `NmFinding`, structurally a `Finding`) to the
 * kernel-eligibility finding, which is about speed, not correctness. Every other
 * finding here has no severity, i.e. an error.
 */
import { isPruneguardError } from '../errors.js';
import type { Finding } from '../findings.js';
import { indexGraph } from '../ir/graph-index.js';
import { renamedTensor } from '../ir/structural-keys.js';
import type { DType, Model } from '../ir/types.js';
import { eligibility } from '../prune/masks/kernel-eligibility.js';
import { nmViolations, type NmViolation } from '../prune/masks/nm.js';
import { reductionAxis, resolveWeight } from '../prune/masks/reduction-axis.js';

const invariant = 'nm-conformance';
const failureMode = 'nm-nonconformance';

export interface NmFinding extends Finding {
  severity?: 'warning';
}

/** The part of a plan this invariant reads (the `nm` entries of src/prune/plan.ts). */
export interface NmPlanPart {
  nm?: readonly { tensor: string; n?: number; m?: number }[];
}

export interface NmConformanceCase {
  /** The dense model: finds a weight a tool renamed (by the node reading it). */
  dense?: Model;
  pruned: Model;
  plan?: NmPlanPart | unknown;
}

export interface NmConformanceOptions {
  /** Dtype the model is served in, for kernel eligibility (default: the stored dtype). */
  servedDtype?: DType;
}

function nmEntries(plan: unknown): { tensor: string; n: number; m: number }[] {
  const nm = (plan as NmPlanPart | undefined)?.nm;
  return Array.isArray(nm) ? nm.map((e) => ({ tensor: e.tensor, n: e.n ?? 2, m: e.m ?? 4 })) : [];
}

function renamedWeight(c: NmConformanceCase, tensor: string, index: ReturnType<typeof indexGraph>): string {
  if (!c.dense || index.consumers.has(tensor) || c.pruned.graph.initializers.has(tensor)) return tensor;
  return renamedTensor(c.dense, c.pruned, tensor) ?? tensor;
}

const fmtGroup = (v: NmViolation) => (v.kind === 'group' ? `[${v.start.join(',')}] has ${v.nonZeros}` : '');

/** Checks every N:M declaration of the plan against the pruned model. Never throws for a finding. */
export function nmConformance(c: NmConformanceCase, options: NmConformanceOptions = {}): NmFinding[] {
  const findings: NmFinding[] = [];
  const entries = nmEntries(c.plan);
  const index = entries.length ? indexGraph(c.pruned.graph) : undefined;
  for (const entry of entries) {
    const { n, m } = entry;
    // A tool that renamed the weight: judge it under its new name (found by the node that reads it).
    const tensor = renamedWeight(c, entry.tensor, index!);
    const expected = `at most ${n} non-zeros in every ${m} consecutive elements along the reduction axis`;
    let axis: number;
    let value;
    try {
      value = resolveWeight(c.pruned, tensor, index).value;
      axis = reductionAxis(c.pruned, tensor, index).axis;
    } catch (e) {
      if (!isPruneguardError(e)) throw e;
      findings.push({
        invariant,
        failureMode,
        where: tensor,
        message: `cannot check N:M of '${tensor}': ${e.message}`,
        expected,
        received: e.code,
      });
      continue;
    }
    const dims = value.dims;
    const bad = nmViolations(value, tensor, n, m, axis);
    if (bad.length > 0 && bad[0].kind === 'axis-length') {
      findings.push({
        invariant,
        failureMode,
        where: tensor,
        message:
          `'${tensor}' [${dims.join(',')}]: reduction axis ${axis} has length ${dims[axis]}, ` +
          `not a multiple of ${m}: no ${n}:${m} kernel can use it`,
        expected: `axis ${axis} length % ${m} == 0`,
        received: dims[axis],
      });
      continue;
    }
    if (bad.length > 0) {
      const elsewhere = dims
        .map((_, a) => a)
        .filter((a) => a !== axis && dims[a] % m === 0 && nmViolations(value, tensor, n, m, a).length === 0);
      const hint = elsewhere.length
        ? `; the pattern holds along axis ${elsewhere.join('/')} instead: N:M was applied along the wrong axis`
        : '';
      findings.push({
        invariant,
        failureMode,
        where: tensor,
        message:
          `'${tensor}' [${dims.join(',')}] is not ${n}:${m} along its reduction ` +
          `axis ${axis}: ${bad.length} group(s) exceed ${n} non-zeros ` +
          `(first: ${bad.slice(0, 3).map(fmtGroup).join('; ')})${hint}`,
        expected,
        received: { axis, violatingGroups: bad.length, first: bad.slice(0, 3), conformsAlong: elsewhere },
      });
      continue;
    }
    const verdicts = eligibility(c.pruned, tensor, { dtype: options.servedDtype });
    if (!verdicts.some((v) => v.eligible)) {
      findings.push({
        invariant,
        failureMode,
        where: tensor,
        severity: 'warning',
        message:
          `'${tensor}' [${dims.join(',')}] ${value.dtype} is ${n}:${m} but no sparse kernel family would ` +
          `accept it: ${verdicts.map((v) => `${v.family}: ${v.reasons.join('; ')}`).join(' | ')}`,
        expected: 'at least one eligible sparse-kernel family',
        received: verdicts,
      });
    }
  }
  return findings;
}
