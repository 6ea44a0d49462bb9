/**
 * The analysis of a model into channel groups and attention units: one propagation for channels and
 * heads (group-build.ts), a second for query heads within grouped-query KV groups (query-heads.ts) and
 * a third for the channels inside heads (head-dim.ts).
 */
import { constantSource } from '../ir/constants.js';
import { flatView } from '../ir/flat-scopes.js';
import { indexGraph } from '../ir/graph-index.js';
import { uniqueScopeNames } from '../ir/scope-names.js';
import { hasSubgraphs } from '../ir/scopes.js';
import type { Model } from '../ir/types.js';
import { copyModel, unshareConstants, type CopyRecord } from './prepare.js';
import { propagateChoosing } from './link-choices.js';
import type { Propagation } from './spaces.js';
import { buildGroups, type Group, type GroupMember } from './group-build.js';
import { queryHeadPropagation } from './query-heads.js';
import { headDimGroups } from './head-dim.js';

export { buildGroups, type Group, type GroupMember } from './group-build.js';

/** An attention block whose heads can be pruned together: head count and size and the tensors involved. */
export interface AttentionUnit {
  id: string;
  heads: number;
  headSize: number;
  members: GroupMember[];
  /** Query heads within KV groups: head j is query head j of every group (see `Group.query`). */
  query?: true;
  blocked?: string;
}

/** Every channel group and attention unit of a model, with the index the pruner uses. */
export interface GroupAnalysis {
  /**
   * The prepared copy the groups refer to (shared exporter constants un-shared, names distinct across
   * scopes). With subgraphs, `prop.model` is its flat view: look names up there.
   */
  model: Model;
  groups: Group[];
  attention: AttentionUnit[];
  prop: Propagation;
  /** Copies made by un-sharing (re-shared after pruning when left unchanged). */
  copies: CopyRecord[];
  /** The second propagation (query heads within KV groups), over the same model, when it found any. */
  query?: Propagation;
  /** The third propagation (channels inside heads, head-dim.ts), over the same model, when it found any. */
  headDim?: Propagation;
}

export interface AnalyzeOptions {
  /** KV-cache inputs/outputs keep their shapes: groups reaching them are blocked (`--keep-interface`). */
  keepInterface?: boolean;
}

/** Analyses a model (never mutated) into channel groups and attention units. */
export function analyzeGroups(input: Model, options: AnalyzeOptions = {}): GroupAnalysis {
  const model = copyModel(input);
  // Subgraphs are analysed with the main graph, as one namespace (a flat view; the model itself when it has none).
  if (hasSubgraphs(model.graph)) uniqueScopeNames(model);
  const view = flatView(model);
  const index = indexGraph(view.graph);
  const copies = unshareConstants(view, index);
  // Un-sharing rewires inputs; it rarely has to, and then the index is still current.
  const prop = propagateChoosing(view, copies.length ? undefined : index, options);
  const ids = new Set<string>();
  const copyNames = new Set(copies.map((c) => c.copy));
  const groups = buildGroups(prop, ids, '', copyNames);
  // Query heads within grouped-query KV groups: a second propagation over the same model (see query-heads.ts).
  const query = queryHeadGroups(prop, ids, copyNames, options);
  if (query) groups.push(...query.groups);
  // Channels inside heads: a third propagation (see head-dim.ts).
  const kvHeads = groups.filter((g) => g.kind === 'heads' && !g.query);
  const headDim = kvHeads.length ? headDimGroups(prop, kvHeads, ids, copyNames, options) : undefined;
  if (headDim) groups.push(...headDim.groups);
  const attention = groups
    .filter((g) => g.kind === 'heads')
    .map(
      (g): AttentionUnit => ({
        id: g.id,
        heads: g.channels,
        headSize: g.headSize!,
        members: g.members,
        ...(g.query ? { query: true } : {}),
        ...(g.blocked ? { blocked: g.blocked } : {}),
      }),
    );
  return {
    model,
    groups,
    attention,
    prop,
    copies,
    ...(query ? { query: query.prop } : {}),
    ...(headDim ? { headDim: headDim.prop } : {}),
  };
}

/** The query-head units (ids `<unit>/query`) of the second propagation, marked `query`; undefined if none. */
function queryHeadGroups(
  first: Propagation,
  ids: Set<string>,
  copies: ReadonlySet<string>,
  options: AnalyzeOptions,
): { prop: Propagation; groups: Group[] } | undefined {
  const pass = queryHeadPropagation(first, options);
  if (!pass) return undefined;
  const { prop, repeated } = pass;
  const groups = buildGroups(prop, new Set(ids), '/query', copies).filter(
    (g) => g.kind === 'heads' && g.values.some(([v, a]) => repeated.some(([rv, ra]) => rv === v && ra === a)),
  );
  if (groups.length === 0) return undefined;
  for (const g of groups) {
    g.query = true;
    ids.add(g.id);
  }
  return { prop, groups };
}

/** Groups that a name refers to: a group id, or any tensor (weight or activation) among its members. */
export function findGroups(analysis: GroupAnalysis, name: string): Group[] {
  const byId = analysis.groups.find((g) => g.id === name);
  if (byId) return [byId];
  return analysis.groups.filter((g) => g.members.some((m) => m.tensor === name) || g.values.some(([v]) => v === name));
}

/** True when `name` is stored in the analysed model (initializer or Constant node). */
export function isStoredName(analysis: GroupAnalysis, name: string): boolean {
  return constantSource(analysis.prop.model.graph, name, analysis.prop.index) !== undefined;
}
