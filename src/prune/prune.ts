/**
 * `prune(model, plan)`: the structured pruner's entry. Order: structured channel
 * and head removal, then unstructured magnitude masks, then N:M masks (so masks
 * are computed on the final shapes). A weight that was N:M-conformant before and
 * is sliced along its reduction axis gets its pattern re-applied, never shipped
 * broken. The input model is never mutated.
 */
import { isPruneguardError, PruneguardError } from '../errors.js';
import { constantValue } from '../ir/constants.js';
import type { GraphIndex } from '../ir/graph-index.js';
import type { Model } from '../ir/types.js';
import { applyRemovals, unprunedCopy } from './apply.js';
import { analyzeGroups, type GroupAnalysis } from './groups.js';
import {
  applyNm,
  applyUnstructured,
  nmViolations,
  reductionAxis,
  type NmReport,
  type UnstructuredReport,
} from './masks/index.js';
import { countParams } from './params.js';
import type { Plan } from './plan.js';
import { checkPlan } from './plan-resolve.js';
import { interfaceChanges, type InterfaceChange } from './interface.js';
import { withoutLayers, type RemovedLayer } from './layers.js';
import { planShapeIssues } from './plan-schema.js';

export interface RemovedChannels {
  id: string;
  removed: number[];
  before: number;
  after: number;
  maskExact: boolean;
  /** guards.roundTo kept more than the ratio asked (`asked` channels or heads) to keep a multiple of it. */
  rounded?: { roundTo: number; asked: number };
}

/** What prune did: groups and heads before and after, removed channels, parameters before and after. */
export interface PruneReport {
  groups: RemovedChannels[];
  heads: RemovedChannels[];
  unstructured: UnstructuredReport[];
  nm: NmReport[];
  /** Weights whose pre-existing 2:4 pattern was broken by slicing and re-applied. */
  nmReapplied: string[];
  paramsBefore: number;
  paramsAfter: number;
  /** Residual blocks removed whole (plan `layers`). */
  layers: RemovedLayer[];
  /** Graph inputs/outputs whose shape changed (KV caches shrink with KV heads and head size). */
  interface: InterfaceChange[];
}

export interface PruneOptions {
  /** Name used in plan error messages. */
  source?: string;
  /**
   * `analyzeGroups(model)` the caller already made (e.g. to bind a plan). It is left exactly as it was
   * (prune never mutates the model or the analysis it is given), so one analysis serves many prunes.
   */
  analysis?: GroupAnalysis;
  /** Refuse plans that change a graph input or output (KV caches); see analyzeGroups. */
  keepInterface?: boolean;
}

/** Weights already 2:4 sparse along their reduction axis (before pruning). */
function conformingNm(model: Model, names: Iterable<string>, index: GraphIndex): string[] {
  const out: string[] = [];
  for (const name of names) {
    const t = constantValue(model.graph, name, index);
    if (t?.dtype !== 'float32' || t.dims.length < 2 || t.data.length < 4) continue;
    // Cheap test first: a 2:4 tensor is at least half zeros, so counting stops once more than half are
    // not (dense weights, the usual case, after half their elements). Only then look for its reduction axis.
    const data = t.data as Float32Array;
    const half = data.length / 2;
    let nonZeros = 0;
    for (let i = 0; i < data.length && nonZeros <= half; i++) if (data[i] !== 0) nonZeros++;
    if (nonZeros > half) continue;
    let axis: number;
    try {
      axis = reductionAxis(model, name, index).axis;
    } catch (e) {
      if (isPruneguardError(e)) continue; // no single reduction axis: not an N:M weight
      throw e;
    }
    if (t.dims[axis] % 4 === 0 && nmViolations(t, name, 2, 4, axis).length === 0) out.push(name);
  }
  return out;
}

/**
 * Prunes `model` by `plan` (never mutating either) and reports what was removed. The plan is
 * validated at run time too (a plan read from JSON is passed as read): every structural and
 * name problem is thrown together as one E_BAD_PLAN with paths.
 * @example
 * const { model: pruned, report } = prune(dense, { version: 1, channels: [{ group: 'conv1.weight#0', ratio: 0.5 }] });
 */
export function prune(
  model: Model,
  planInput: Plan,
  options: PruneOptions = {},
): { model: Model; report: PruneReport } {
  const layers = planShapeIssues(planInput).plan.layers;
  if (layers?.length && options.keepInterface)
    throw new PruneguardError(
      'E_PRUNE_BLOCKED',
      'removing layers drops their KV cache inputs/outputs: the model interface changes (kept by --keep-interface)',
    );
  const base = withoutLayers(model, layers);
  // A caller's analysis is of the model with every layer: after removing some, analyse what is left.
  const analysis =
    (base.removed.length ? undefined : options.analysis) ??
    analyzeGroups(base.model, options.keepInterface ? { keepInterface: true } : {});
  const { plan, removals } = checkPlan(analysis, planInput, options.source);
  const paramsBefore = countParams(model);
  const sliced = new Set(removals.flatMap((r) => r.group.members.map((m) => m.tensor)));
  const wasNm = removals.length ? conformingNm(analysis.prop.model, sliced, analysis.prop.index) : [];
  // Never the analysis' own model: prune() leaves its inputs (model and analysis) as they were.
  let out = removals.length ? applyRemovals(analysis, removals).model : unprunedCopy(analysis);

  const nmReapplied: string[] = [];
  const broken = wasNm.filter((name) => {
    const t = constantValue(out.graph, name);
    if (!t) return false;
    const axis = reductionAxis(out, name).axis;
    if (t.dims[axis] % 4 !== 0)
      throw new PruneguardError(
        'E_PRUNE_BLOCKED',
        `${name} was 2:4 sparse; after pruning its reduction axis has ${t.dims[axis]} entries, not a multiple of 4 ` +
          `(use guards.roundTo: 4)`,
      );
    return nmViolations(t, name, 2, 4, axis).length > 0;
  });
  if (broken.length) {
    out = applyNm(
      out,
      broken.map((tensor) => ({ tensor, n: 2, m: 4 })),
    ).model;
    nmReapplied.push(...broken);
  }
  let unstructured: UnstructuredReport[] = [];
  if (plan.unstructured?.length) ({ model: out, report: unstructured } = applyUnstructured(out, plan.unstructured));
  let nm: NmReport[] = [];
  if (plan.nm?.length) ({ model: out, report: nm } = applyNm(out, plan.nm));

  const entry = (r: (typeof removals)[number]): RemovedChannels => ({
    id: r.group.id,
    removed: [...r.remove],
    before: r.group.channels,
    after: r.group.channels - r.remove.length,
    maskExact: r.group.maskExact,
    ...(r.rounded ? { rounded: r.rounded } : {}),
  });
  return {
    model: out,
    report: {
      groups: removals.filter((r) => r.group.kind === 'channels').map(entry),
      heads: removals.filter((r) => r.group.kind === 'heads').map(entry),
      unstructured,
      nm,
      nmReapplied,
      paramsBefore,
      paramsAfter: countParams(out),
      layers: base.removed,
      interface: interfaceChanges(model, out),
    },
  };
}
