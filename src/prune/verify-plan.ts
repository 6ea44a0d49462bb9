/**
 * `verifyPrune(dense, plan, feeds)`: what `prune --verify` checks. The plan's structural part is
 * pruned and verified against its mask oracle (verify.ts). When some pruned groups are not
 * mask-exact, their deviation is information only; the mask-exact groups of the same plan
 * (the very channels the plan removed) are then pruned alone and verified for a real verdict, so a
 * plan mixing both is still checked where checking means something.
 */
import type { Model } from '../ir/types.js';
import type { Feeds, ModelFile } from '../runtime/index.js';
import type { Plan } from './plan.js';
import { prune, type PruneReport, type RemovedChannels } from './prune.js';
import { structuredOnly, verify, type VerifyOptions, type VerifyResult } from './verify.js';

export interface PruneVerification extends VerifyResult {
  /** With inexact groups: the verdict on the plan's mask-exact groups pruned alone. */
  exactPart?: VerifyResult & { groups: string[] };
}

export interface VerifyPruneOptions extends VerifyOptions {
  keepInterface?: boolean;
  /**
   * What prune(dense, plan) made (a model, or the file it was written to) with `report`, reused
   * when the plan is structural only (no masks) instead of pruning again.
   */
  pruned?: { model: Model | ModelFile; report: PruneReport };
}

/** @example const v = await verifyPrune(dense, plan, [defaultFeeds(dense, 1)]); v.status */
export async function verifyPrune(
  dense: Model,
  plan: Plan,
  feeds: Feeds[],
  options: VerifyPruneOptions = {},
): Promise<PruneVerification> {
  const structural = structuredOnly(plan);
  const { keepInterface, analysis } = options;
  const structuralOnly = !plan.unstructured?.length && !plan.nm?.length;
  const { model, report } =
    options.pruned && structuralOnly ? options.pruned : prune(dense, structural, { keepInterface, analysis });
  // The oracle masks the channels the pruner removed, named by index: a ratio resolved again would
  // score every weight a second time for the same answer.
  const all = await verify(
    dense,
    model,
    removedPlan(structural, report, () => true),
    feeds,
    options,
  );
  if (all.exact || all.status === 'fail') return all;
  const exactPlan = removedPlan({ guards: plan.guards }, report, (g) => g.maskExact);
  const channels = exactPlan.channels ?? [];
  const heads = exactPlan.heads ?? [];
  if (!channels.length && !heads.length) return all;
  const part = await verify(
    dense,
    prune(dense, exactPlan, { keepInterface, analysis }).model,
    exactPlan,
    feeds,
    options,
  );
  return {
    ...all,
    pass: part.pass,
    status: part.status === 'fail' ? 'fail' : 'inexact',
    exactPart: { ...part, groups: [...channels.map((c) => c.group), ...heads.map((h) => h.attention)] },
  };
}

/**
 * The channels and heads `report` says were removed (those `keep` accepts), by index, with `plan`'s
 * layers and guards: the same removal as `plan`, without resolving its ratios again.
 */
function removedPlan(plan: Plan, report: PruneReport, keep: (r: RemovedChannels) => boolean): Plan {
  return {
    channels: report.groups
      .filter((g) => keep(g) && g.removed.length)
      .map((g) => ({ group: g.id, indices: g.removed })),
    heads: report.heads.filter((h) => keep(h) && h.removed.length).map((h) => ({ attention: h.id, remove: h.removed })),
    ...(plan.layers ? { layers: plan.layers } : {}),
    ...(plan.guards ? { guards: plan.guards } : {}),
  };
}
