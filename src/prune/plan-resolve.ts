/**
 * Resolves a validated plan against a model's groups: names → groups, ratios →
 * channel indices by importance, guards applied. Problems (unknown names,
 * out-of-range indices, removing everything, NaN weights) are collected as issues.
 */
import { isPruneguardError } from '../errors.js';
import { constantValue } from '../ir/constants.js';
import type { Removal } from './apply.js';
import { findGroups, type Group, type GroupAnalysis } from './groups.js';
import { channelScores, lowest } from './importance.js';
import { throwIssues, type Criterion, type Guards, type Plan, type PlanIssue } from './plan.js';
import { planShapeIssues } from './plan-schema.js';

export interface ResolvedPlan {
  removals: Removal[];
  issues: PlanIssue[];
}

/** How many channels to keep of `c` after removing `ratio`, under the guards. */
export function keepCount(c: number, ratio: number, guards: Guards = {}): number {
  let keep = c - Math.floor(ratio * c + 1e-9);
  const floor = Math.max(guards.minChannels ?? 1, guards.allowSingleChannel ? 1 : 2);
  keep = Math.max(keep, Math.min(floor, c));
  const round = guards.roundTo ?? 1;
  if (round > 1) keep = Math.min(c, Math.ceil(keep / round) * round);
  return keep;
}

function lookup(
  analysis: GroupAnalysis,
  name: string,
  path: string,
  issues: PlanIssue[],
  heads: boolean,
): Group | undefined {
  const found = findGroups(analysis, name).filter((g) => !heads || g.kind === 'heads');
  if (found.length === 0) {
    const known = (
      heads ? analysis.attention.map((a) => a.id) : analysis.groups.filter((g) => !g.blocked).map((g) => g.id)
    ).slice(0, 5);
    const expected = known.length
      ? `one of ${known.join(', ')}${known.length === 5 ? ', ...' : ''}`
      : `nothing: the model has no prunable ${heads ? 'attention units' : 'groups'}`;
    issues.push({
      path,
      message: `unknown ${heads ? 'attention unit' : 'group'} or tensor "${name}"`,
      expected,
      received: name,
    });
    return undefined;
  }
  if (found.length > 1) {
    issues.push({
      path,
      message: `"${name}" belongs to ${found.length} groups; name one by id`,
      expected: found.map((g) => g.id).join(' | '),
      received: name,
    });
    return undefined;
  }
  const g = found[0];
  if (g.blocked) {
    issues.push({ path, message: `group ${g.id} cannot be pruned: ${g.blocked}` });
    return undefined;
  }
  return g;
}

/**
 * How many channels of `g` kept counts must be a multiple of, for the kept width to be a multiple of
 * `guards.roundTo`: a channel is one feature, a head `headSize` features (roundTo 64 with heads of 16
 * keeps a multiple of 4 heads).
 */
function roundStep(g: Group, guards: Guards): number {
  const round = guards.roundTo ?? 1;
  const unit = g.kind === 'heads' ? (g.headSize ?? 1) : (g.headDim?.perChannel ?? 1);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return round / gcd(round, unit);
}

const unitName = (g: Group) => (g.kind === 'heads' ? 'heads' : 'channels');
const widthOf = (g: Group, n: number) =>
  g.kind === 'heads' ? `${n} heads (${n * (g.headSize ?? 1)} features)` : `${n} channels`;

export function resolvePlan(analysis: GroupAnalysis, plan: Plan): ResolvedPlan {
  const issues: PlanIssue[] = [];
  const removals: Removal[] = [];
  const seen = new Map<Group, string>();
  const guards = plan.guards ?? {};
  const read = (t: string) => constantValue(analysis.prop.model.graph, t, analysis.prop.index);
  const floor = Math.max(guards.minChannels ?? 1, guards.allowSingleChannel ? 1 : 2);
  const rounded = new Map<Group, { roundTo: number; asked: number }>();

  const add = (
    g: Group,
    path: string,
    spec: { indices?: number[]; ratio?: number; criterion?: Criterion; seed?: number },
    what: string,
  ) => {
    if (seen.has(g)) return issues.push({ path, message: `${what} ${g.id} is already pruned by ${seen.get(g)}` });
    seen.set(g, path);
    let remove: number[];
    if (spec.indices) {
      const bad = spec.indices.filter((i) => i >= g.channels);
      if (bad.length)
        return issues.push({
          path: `${path}.indices`,
          message: `${what} ${g.id} has ${g.channels} ${what === 'attention unit' ? 'heads' : 'channels'}`,
          expected: `indices < ${g.channels}`,
          received: bad,
        });
      if (spec.indices.length >= g.channels)
        return issues.push({
          path,
          message: `removes every ${what === 'attention unit' ? 'head' : 'channel'} of ${g.id}`,
          expected: `fewer than ${g.channels}`,
          received: spec.indices.length,
        });
      const kept = g.channels - spec.indices.length;
      if (what === 'group' && kept < Math.min(floor, g.channels))
        return issues.push({ path, message: `keeps ${kept} channel(s) of ${g.id}; guards require at least ${floor}` });
      const step = roundStep(g, guards);
      if (kept % step !== 0)
        return issues.push({
          path: `${path}.${what === 'group' ? 'indices' : 'remove'}`,
          message:
            `keeps ${widthOf(g, kept)} of ${g.id}; ` +
            `guards.roundTo ${guards.roundTo} needs a multiple of ${step} ${unitName(g)}`,
          expected: `a kept count that is a multiple of ${step}`,
          received: kept,
        });
      remove = [...spec.indices].sort((a, b) => a - b);
    } else {
      const step = roundStep(g, guards);
      const asked =
        what === 'group'
          ? keepCount(g.channels, spec.ratio!, { ...guards, roundTo: 1 })
          : Math.max(1, g.channels - Math.floor(spec.ratio! * g.channels + 1e-9));
      const keep = Math.min(g.channels, Math.ceil(asked / step) * step);
      if (keep !== asked) rounded.set(g, { roundTo: guards.roundTo!, asked });
      try {
        remove = lowest(channelScores(g, spec.criterion ?? 'l1', read, spec.seed ?? 0), g.channels - keep);
      } catch (e) {
        if (!isPruneguardError(e)) throw e;
        return issues.push({ path, message: e.message });
      }
    }
    const r = rounded.get(g);
    if (remove.length > 0) removals.push({ group: g, remove, ...(r ? { rounded: r } : {}) });
  };

  (plan.channels ?? []).forEach((spec, i) => {
    if (!spec) return;
    const g = lookup(analysis, spec.group, `channels[${i}].group`, issues, false);
    if (g) add(g, `channels[${i}]`, 'indices' in spec ? { indices: spec.indices } : spec, 'group');
  });
  (plan.heads ?? []).forEach((spec, i) => {
    if (!spec) return;
    const g = lookup(analysis, spec.attention, `heads[${i}].attention`, issues, true);
    if (g) add(g, `heads[${i}]`, 'remove' in spec ? { indices: spec.remove } : spec, 'attention unit');
  });
  return { removals, issues };
}

/**
 * Validates structure and resolves names in one go: every problem of both kinds is
 * thrown together as one E_BAD_PLAN.
 */
export function checkPlan(
  analysis: GroupAnalysis,
  planInput: unknown,
  source?: string,
): { plan: Plan; removals: Removal[] } {
  const shaped = planShapeIssues(planInput);
  const { removals, issues } = resolvePlan(analysis, shaped.plan);
  throwIssues([...shaped.issues, ...issues], source);
  return { plan: shaped.plan, removals };
}

/** Options of {@link ratioPlan}. */
export interface RatioPlanOptions {
  /**
   * Also prune groups that are not mask-exact (statistics over the pruned axis: hidden dims under
   * LayerNorm/RMSNorm, Softmax axes). Their removal changes what the model computes beyond the
   * removed channels, so a uniform ratio leaves them alone unless asked (CLI: --include-inexact).
   */
  includeInexact?: boolean;
}

/**
 * The ratio for query heads within KV groups that, after the KV unit `<id>` loses its share, removes at
 * most R of all query heads: the two removals compound, so R on both would remove up to 1 - (1 - R)².
 */
function queryRatio(query: Group, units: readonly Group[], ratio: number): number {
  const kv = units.find((u) => `${u.id}/query` === query.id);
  const kvHeads = kv?.channels ?? 1;
  const kvKeep = Math.max(1, kvHeads - Math.floor(ratio * kvHeads + 1e-9));
  const keep = Math.min(
    query.channels,
    Math.max(1, Math.ceil(((1 - ratio) * kvHeads * query.channels) / kvKeep - 1e-9)),
  );
  return (query.channels - keep) / query.channels;
}

/**
 * The plan `--ratio R` means: every prunable channel group by R, and every prunable attention unit by R
 * (KV heads with their query heads; query heads within KV groups, so every group keeps the same count),
 * with L1 importance; only mask-exact groups unless `includeInexact`. A unit keeps at least one head.
 * head_dim groups are not included (a plan names them: `channels: [{ group: '<unit>/head_dim_qk', ... }]`).
 * @example ratioPlan(analyzeGroups(model), 0.3).channels.map((c) => c.group)
 */
export function ratioPlan(analysis: GroupAnalysis, ratio: number, options: RatioPlanOptions = {}): Plan {
  // head_dim is left to plans that name it: R of the heads and R of head_dim would compound to 1 - (1 - R)².
  const eligible = (g: GroupAnalysis['groups'][number]) =>
    !g.blocked && !g.headDim && g.channels >= 2 && (options.includeInexact || g.maskExact);
  const units = analysis.groups.filter((g) => g.kind === 'heads' && eligible(g));
  const heads = units.map((g) => ({ attention: g.id, ratio: g.query ? queryRatio(g, units, ratio) : ratio }));
  return {
    version: 1,
    channels: analysis.groups
      .filter((g) => g.kind === 'channels' && eligible(g))
      .map((g) => ({ group: g.id, ratio, criterion: 'l1' as const })),
    ...(heads.length ? { heads: heads.map((h) => ({ ...h, criterion: 'l1' as const })) } : {}),
  };
}
