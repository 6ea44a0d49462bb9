/**
 * Pruning plans bound to a generated graph. The arbitrary generates a plan
 * *relative* to whatever graph it meets: groups and tensors are picked by an
 * index modulo what exists, amounts are fractions. A shrunk graph therefore
 * never invalidates its plan; `bindPlan` turns it into a concrete Plan.
 */
import fc from 'fast-check';
import { isPruneguardError } from '../errors.js';
import { constantValue } from '../ir/constants.js';
import { indexGraph, type GraphIndex } from '../ir/graph-index.js';
import type { Model } from '../ir/types.js';
import { analyzeGroups, type GroupAnalysis } from '../prune/groups.js';
import { prunableWeights, reductionAxis } from '../prune/masks/index.js';
import type { Criterion, Plan } from '../prune/plan.js';

/**
 * A plan expressed relatively (fractions and indices modulo the channel count), so a shrunk graph never invalidates
 * it.
 */
export interface RelativePlan {
  channels: { pick: number; ratio: number; criterion: Criterion }[];
  heads: { pick: number; share: number }[];
  unstructured: { pick: number; sparsity: number }[];
  nm: { pick: number }[];
}

/** What a generated relative plan may contain (structured, unstructured, N:M, heads, layers). */
export interface PlanConstraints {
  /** Which parts a plan may have (default: all). */
  parts?: readonly ('channels' | 'heads' | 'unstructured' | 'nm')[];
  maxRatio?: number;
  /** Allow N:M on weights that structured removal also slices (default false). */
  nmOnTouched?: boolean;
  /**
   * Prune every prunable group and attention unit (with the first channel/head spec) instead of
   * picking some. Fault suites use it: a pick by index moves to another group when shrinking
   * removes a layer, which stalls shrinking; "everything" stays put.
   */
  everyGroup?: boolean;
}

/** fast-check arbitrary of relative plans within the constraints. */
export function relativePlan(c: PlanConstraints = {}): fc.Arbitrary<RelativePlan> {
  const parts = new Set(c.parts ?? ['channels', 'heads', 'unstructured', 'nm']);
  // Parts a caller asks for explicitly are always present; by default they are optional.
  const minLength = c.parts ? 1 : 0;
  const maybe = <T>(part: string, arb: fc.Arbitrary<T>, max: number) =>
    parts.has(part as never) ? fc.array(arb, { minLength, maxLength: max }) : fc.constant([] as T[]);
  return fc.record({
    channels: parts.has('channels')
      ? fc.array(
          fc.record({
            pick: fc.nat({ max: 64 }),
            ratio: fc.double({ min: 0.1, max: c.maxRatio ?? 0.8, noNaN: true }),
            criterion: fc.constantFrom<Criterion>('l1', 'l2', 'random'),
          }),
          { minLength: 1, maxLength: 3 },
        )
      : fc.constant([]),
    heads: maybe(
      'heads',
      fc.record({ pick: fc.nat({ max: 64 }), share: fc.double({ min: 0, max: 0.99, noNaN: true }) }),
      2,
    ),
    unstructured: maybe(
      'unstructured',
      fc.record({ pick: fc.nat({ max: 64 }), sparsity: fc.double({ min: 0.1, max: 0.95, noNaN: true }) }),
      2,
    ),
    nm: maybe('nm', fc.record({ pick: fc.nat({ max: 64 }) }), 2),
  });
}

/** Channel groups a plan may prune: not blocked, at least 3 channels (2 must survive the guards). */
export function prunableGroups(analysis: GroupAnalysis) {
  return analysis.groups.filter((g) => !g.blocked && g.kind === 'channels' && g.channels >= 3);
}

/** Turns a relative plan into a concrete one for `model` (parts with nothing to pick are dropped). */
export function bindPlan(
  model: Model,
  rel: RelativePlan,
  analysis: GroupAnalysis = analyzeGroups(model),
  c: PlanConstraints = {},
): Plan {
  const plan: Plan = { version: 1 };
  const groups = prunableGroups(analysis);
  const chosen = new Map<string, { ratio: number; criterion: Criterion }>();
  if (c.everyGroup && rel.channels.length) for (const g of groups) chosen.set(g.id, rel.channels[0]);
  else for (const ch of rel.channels) if (groups.length) chosen.set(groups[ch.pick % groups.length].id, ch);
  // A chosen group always loses a channel: a ratio that rounds to none on a small group would make
  // the pick a no-op, and a shrunk graph (fewer channels) would stall shrinking on it.
  const size = new Map(groups.map((g) => [g.id, g.channels]));
  const ratioFor = (id: string, ratio: number) => Math.max(round(ratio), Math.ceil(100 / size.get(id)!) / 100);
  if (chosen.size)
    plan.channels = [...chosen].map(([group, c]) => ({
      group,
      ratio: ratioFor(group, c.ratio),
      criterion: c.criterion,
      ...(c.criterion === 'random' ? { seed: 1 } : {}),
    }));

  const units = analysis.attention.filter((a) => !a.blocked && a.heads >= 2);
  const heads = new Map<string, number[]>();
  const headSpecs = c.everyGroup && rel.heads.length ? units.map((_, i) => ({ ...rel.heads[0], pick: i })) : rel.heads;
  for (const h of headSpecs) {
    if (!units.length) break;
    const u = units[h.pick % units.length];
    const count = Math.min(u.heads - 1, Math.max(1, Math.floor(h.share * u.heads)));
    heads.set(
      u.id,
      Array.from({ length: count }, (_, i) => (h.pick + i) % u.heads).sort((a, b) => a - b),
    );
  }
  if (heads.size) plan.heads = [...heads].map(([attention, remove]) => ({ attention, remove }));

  // Masks go on weights that structured removal leaves whole, so the mask oracle (masks on the
  // dense weights) and the pruner (masks on the sliced weights) select the same elements.
  const touched = new Set(
    [...chosen.keys(), ...heads.keys()].flatMap(
      (id) => analysis.groups.find((g) => g.id === id)?.members.map((m) => m.tensor) ?? [],
    ),
  );
  // Reduction axes, resolved once per weight against one index of the graph.
  const index = indexGraph(model.graph);
  const axes = new Map<string, { axis: number; length: number } | undefined>();
  const safeAxis = (_m: Model, w: string) => {
    if (!axes.has(w)) axes.set(w, reductionOf(model, w, index));
    return axes.get(w);
  };
  const candidates = prunableWeights(model);
  const weights = candidates.filter((w) => safeAxis(model, w) !== undefined && !touched.has(w));
  // With nmOnTouched, N:M goes where structured removal cuts the reduction axis: the pattern must survive that.
  const cutReduction = new Set(
    [...chosen.keys(), ...heads.keys()].flatMap(
      (id) => analysis.groups.find((g) => g.id === id)?.members.map((m) => `${m.tensor}#${m.axis}`) ?? [],
    ),
  );
  const nmPool = c.nmOnTouched
    ? candidates.filter((w) => cutReduction.has(`${w}#${safeAxis(model, w)?.axis}`))
    : weights;
  const unstructured = new Map<string, number>();
  for (const u of rel.unstructured)
    if (weights.length) unstructured.set(weights[u.pick % weights.length], round(u.sparsity));
  if (unstructured.size) plan.unstructured = [...unstructured].map(([tensor, sparsity]) => ({ tensor, sparsity }));

  const nmCandidates = nmPool.filter(
    (w) =>
      !unstructured.has(w) && (safeAxis(model, w)?.length ?? 1) % 4 === 0 && (safeAxis(model, w)?.length ?? 0) >= 4,
  );
  const nm = new Set<string>();
  for (const n of rel.nm) if (nmCandidates.length) nm.add(nmCandidates[n.pick % nmCandidates.length]);
  if (nm.size) plan.nm = [...nm].map((tensor) => ({ tensor, n: 2, m: 4 }));
  return plan;
}

function reductionOf(model: Model, tensor: string, index: GraphIndex): { axis: number; length: number } | undefined {
  try {
    const r = reductionAxis(model, tensor, index);
    const dims = constantValue(model.graph, tensor, index)?.dims;
    return dims ? { axis: r.axis, length: dims[r.axis] } : undefined;
  } catch (e) {
    if (isPruneguardError(e)) return undefined; // no single reduction axis: no N:M plan for this weight
    throw e;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
