/**
 * What the pruner understood of a model, in parameters: how many sit in prunable groups, how many
 * in groups it found but cannot prune (blocked), and how many it did not analyse at all, with the
 * reasons ranked by the parameters they cover. "0 groups" is then never silent: a model that is
 * not understood says what and why (a network inside `If` branches, int8 `ConvInteger` weights).
 */
import { aliasesOf, constantSource } from '../ir/constants.js';
import type { GraphIndex } from '../ir/graph-index.js';
import { hasSubgraphs, scopeLabel, subgraphsOf } from '../ir/scopes.js';
import { numel } from '../ir/tensor.js';
import type { Graph, Model, Node } from '../ir/types.js';
import { storedWeights, type StoredWeight } from '../ir/weights.js';
import type { GroupAnalysis } from './groups.js';
import { opDef } from '../ops/registry.js';

export interface CoverageReason {
  reason: string;
  parameters: number;
  tensors: number;
}

export interface Coverage {
  /** Every stored parameter (see `ir/weights.ts`). */
  parameters: number;
  /** In at least one group that can be pruned. */
  prunable: number;
  /** In groups, all of them blocked. */
  blocked: number;
  /** In no group: the pruner did not reach them. */
  notAnalysed: number;
  /** (prunable + blocked) / parameters, in percent (100 for a model without parameters). */
  analysedPercent: number;
  /** Why groups are blocked, ranked by parameters (the first reason of each group). */
  blockedReasons: CoverageReason[];
  /** Why parameters were not analysed, ranked by parameters. */
  notAnalysedReasons: CoverageReason[];
}

/** Coverage of an analysis of `model` (the model given to `analyzeGroups`). */
export function coverage(analysis: GroupAnalysis, model: Model): Coverage {
  const { index } = analysis.prop;
  // The flat view when the model has subgraphs: a weight inside a branch is looked up like any other.
  const graph = analysis.prop.model.graph;
  const copyRoot = new Map(analysis.copies.map((c) => [c.copy, c.root]));
  const rootOf = (tensor: string): string => {
    const src = constantSource(graph, tensor, index);
    const name = !src ? tensor : src.kind === 'initializer' ? src.name : src.node.outputs[0];
    return copyRoot.get(name) ?? name;
  };
  /** Per root weight: prunable (true) when any group holding it is, else blocked (its first group's first reason). */
  const status = new Map<string, true | string>();
  for (const g of analysis.groups) {
    for (const m of g.members) {
      const root = rootOf(m.tensor);
      if (!g.blocked) status.set(root, true);
      else if (!status.has(root)) status.set(root, g.blockedReasons?.[0] ?? g.blocked);
    }
  }
  const blockedBy = new Map<string, CoverageReason>();
  const notAnalysedBy = new Map<string, CoverageReason>();
  const tally = (into: Map<string, CoverageReason>, reason: string, n: number) => {
    const r = into.get(reason) ?? { reason, parameters: 0, tensors: 0 };
    r.parameters += n;
    r.tensors++;
    into.set(reason, r);
  };
  let parameters = 0,
    prunable = 0,
    blocked = 0;
  // The analysed copy's weights but for the copies un-sharing made: the model's own, under the names
  // the groups use (a name that two sibling branches both define is renamed in the copy).
  const weights = hasSubgraphs(model.graph)
    ? storedWeights(analysis.model).filter((w) => !copyRoot.has(w.name))
    : storedWeights(model);
  for (const w of weights) {
    const n = numel(w.tensor.dims);
    parameters += n;
    const s = status.get(w.name);
    if (s === true) prunable += n;
    else if (s !== undefined) {
      blocked += n;
      tally(blockedBy, s, n);
    } else tally(notAnalysedBy, notAnalysedReason(w, graph, index), n);
  }
  const ranked = (m: Map<string, CoverageReason>) =>
    [...m.values()].sort((a, b) => b.parameters - a.parameters || (a.reason < b.reason ? -1 : 1));
  const notAnalysed = parameters - prunable - blocked;
  return {
    parameters,
    prunable,
    blocked,
    notAnalysed,
    analysedPercent: parameters === 0 ? 100 : (100 * (prunable + blocked)) / parameters,
    blockedReasons: ranked(blockedBy),
    notAnalysedReasons: ranked(notAnalysedBy),
  };
}

const label = (node: Node) => `${node.opType} ${node.name || node.outputs[0] || ''}`;

/** Why a weight is in no group: where it is held, and what reads it. */
function notAnalysedReason(w: StoredWeight, graph: Graph, index: GraphIndex): string {
  const names = aliasesOf(w.name, index);
  const reads = names
    .flatMap((n) => index.consumers.get(n) ?? [])
    .filter((u) => !(u.node.opType === 'Identity' && u.node.domain === ''));
  const inside = names.flatMap((n) => index.implicitUses.get(n) ?? []);
  if (reads.length === 0 && inside.length > 0) {
    const node = inside[0];
    return `read only inside ${label(node)}'s ${subgraphsOf(node)
      .map(([a]) => a)
      .join('/')}: channels are not followed across a subgraph boundary`;
  }
  if (reads.length === 0 && w.scope.length > 0) return `held inside ${scopeLabel(w.scope)} and read by no node there`;
  if (reads.length === 0)
    return graph.outputs.some((o) => names.includes(o.name)) ? 'a graph output itself' : 'read by no node';
  const unknown = reads.find((u) => !opDef(u.node.opType, u.node.domain)?.channels);
  if (unknown) {
    const op =
      unknown.node.domain && unknown.node.domain !== 'ai.onnx'
        ? `${unknown.node.domain}::${unknown.node.opType}`
        : unknown.node.opType;
    return `read by ${label(unknown.node)}: no pruning rule for ${op}`;
  }
  const roles = reads.map((u) => opDef(u.node.opType, u.node.domain)?.fixedInputs?.[u.slot]);
  if (roles.every((r) => r !== undefined)) return [...new Set(roles)].join('; ');
  const beyond = unknownReaderBeyond(reads, index);
  if (beyond) return beyond;
  const ops = [...new Set(reads.map((u) => `${u.node.opType} input ${u.slot}`))].slice(0, 3).join(', ');
  return `read as ${ops}: no channel of a weight-bearing op reaches it`;
}

/** Ops a weight passes through on its way to the op that uses it (exporters reorder LSTM gates with them). */
const WEIGHT_MOVES = new Set(['Slice', 'Concat', 'Unsqueeze', 'Squeeze', 'Reshape', 'Transpose', 'Cast', 'Split']);

/**
 * The op a weight reaches through moves (Slice/Concat/Unsqueeze: PyTorch's LSTM gates reordered for
 * ONNX), as a reason naming the path and that op: it has no rule, or no channel reaches it there;
 * undefined when the weight is read directly.
 */
function unknownReaderBeyond(reads: readonly { node: Node; slot: number }[], index: GraphIndex): string | undefined {
  let frontier = reads.filter((u) => u.node.domain === '' && WEIGHT_MOVES.has(u.node.opType));
  const path: string[] = [];
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    path.push(frontier[0].node.opType);
    const next = frontier.flatMap((u) => u.node.outputs.flatMap((o) => index.consumers.get(o) ?? []));
    const user = next.find((u) => !(u.node.domain === '' && WEIGHT_MOVES.has(u.node.opType)));
    const through = `read through ${path.join(' → ')}`;
    if (user && !opDef(user.node.opType, user.node.domain)?.channels)
      return `${through} by ${label(user.node)}: no pruning rule for ${user.node.opType}`;
    if (user)
      return `${through} as ${user.node.opType} input ${user.slot}: no channel of a weight-bearing op reaches it`;
    frontier = next;
  }
  return undefined;
}
