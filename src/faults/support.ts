/** What fault injectors share: the correct pruning, and ways to "forget" part of it. */
import { constantSource, constantValue, setConstant } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node, Tensor } from '../ir/types.js';
import { analyzeGroups, type Group, type GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import { takeAlong } from '../prune/slice.js';

export interface Pruned {
  dense: Model;
  pruned: Model;
  analysis: GroupAnalysis;
  /** Groups the plan removed channels from, with the removed channel indices. */
  removed: { group: Group; remove: number[] }[];
}

export function pruneCorrectly(dense: Model, plan: Plan): Pruned {
  const { model, report } = prune(dense, plan);
  const analysis = analyzeGroups(dense);
  const removed = [...report.groups, ...report.heads].flatMap((r) => {
    const group = analysis.groups.find((g) => g.id === r.id);
    return group ? [{ group, remove: r.removed }] : [];
  });
  return { dense, pruned: model, analysis, removed };
}

/** Puts the dense value of each stored tensor back into the pruned model: the update was "forgotten". */
export function restoreDense(p: Pruned, tensors: Iterable<string>): number {
  const index = indexGraph(p.pruned.graph);
  let restored = 0;
  for (const name of tensors) {
    const src = constantSource(p.pruned.graph, name, index);
    const value = constantValue(p.analysis.model.graph, name) ?? constantValue(p.dense.graph, name);
    if (!src || !value) continue;
    setConstant(p.pruned.graph, src, value);
    restored++;
  }
  return restored;
}

/** Replaces a stored tensor of the pruned model. */
export function replaceStored(model: Model, name: string, value: Tensor): boolean {
  const src = constantSource(model.graph, name);
  if (!src) return false;
  setConstant(model.graph, src, value);
  return true;
}

export function nodeByName(model: Model, name: string): Node | undefined {
  return model.graph.nodes.find((n) => n.name === name);
}

/** Members (stored tensors) of the removed groups that `pred` selects, by the op of the node using them. */
export function removedMembers(p: Pruned, pred: (node: Node, tensor: string) => boolean): string[] {
  const nodes = new Map(p.analysis.model.graph.nodes.map((n) => [n.name, n]));
  const out = new Set<string>();
  for (const { group } of p.removed) {
    for (const m of group.members) {
      const node = nodes.get(m.node);
      if (node && pred(node, m.tensor)) out.add(m.tensor);
    }
  }
  return [...out];
}

/** The dense tensor sliced along `axis` keeping `keep`. */
export function denseSlice(p: Pruned, tensor: string, axis: number, keep: number[]): Tensor | undefined {
  const value = constantValue(p.analysis.model.graph, tensor);
  return value ? takeAlong(value, axis, keep) : undefined;
}

/** For a stored tensor, the positions the correct pruning kept along each sliced axis. */
export function keptAxes(
  p: Pruned,
  tensor: string,
  adjust?: (member: Group['members'][number], position: number) => number,
): Map<number, number[]> {
  const removedBy = new Map<number, Set<number>>();
  for (const { group, remove } of p.removed) {
    for (const m of group.members) {
      if (m.tensor !== tensor) continue;
      let set = removedBy.get(m.axis);
      if (!set) removedBy.set(m.axis, (set = new Set()));
      for (const c of remove) for (const pos of m.indices[c]) set.add(adjust ? adjust(m, pos) : pos);
    }
  }
  const value = constantValue(p.analysis.model.graph, tensor);
  const out = new Map<number, number[]>();
  if (!value) return out;
  for (const [axis, removed] of removedBy) {
    out.set(
      axis,
      Array.from({ length: value.dims[axis] }, (_, i) => i).filter((i) => !removed.has(i)),
    );
  }
  return out;
}

/** `value` sliced along every axis of `kept`. */
export function sliceAll(value: Tensor, kept: Map<number, number[]>): Tensor {
  let t = value;
  for (const [axis, keep] of kept) t = takeAlong(t, axis, keep);
  return t;
}

/**
 * Re-slices a stored tensor of the pruned model from `source` (default: its dense value) with the
 * positions the correct pruning removed, each passed through `adjust`: a pruner that removed the
 * right number of positions at the wrong places. Returns whether anything was written.
 */
export function resliceWrongly(
  p: Pruned,
  tensor: string,
  adjust?: Parameters<typeof keptAxes>[2],
  source?: Model,
  accept?: (value: Tensor) => boolean,
): boolean {
  const value = constantValue((source ?? p.analysis.model).graph, tensor);
  if (!value || (accept && !accept(value))) return false;
  const kept = keptAxes(p, tensor, adjust);
  return replaceStored(p.pruned, tensor, kept.size ? sliceAll(value, kept) : value);
}

/**
 * Puts the dense shape constants back into the Reshapes `which` selects (the constant target, or
 * the constants of an exporter's Concat-built target): the head count or width was "not updated".
 */
export function restoreReshapeTargets(p: Pruned, which: (reshape: Node) => boolean): number {
  const before = p.analysis.model;
  const graph = p.pruned.graph;
  const denseNodes = new Map(before.graph.nodes.map((n) => [n.name, n]));
  const index = indexGraph(graph);
  let restored = 0;
  for (const node of graph.nodes) {
    const reshapes =
      node.opType === 'Reshape'
        ? [node]
        : node.opType === 'Concat'
          ? node.outputs.flatMap((o) =>
              (index.consumers.get(o) ?? [])
                .filter((u) => u.node.opType === 'Reshape' && u.slot === 1)
                .map((u) => u.node),
            )
          : [];
    if (!reshapes.some(which)) continue;
    const d = denseNodes.get(node.name);
    if (!d) continue;
    const slots = node.opType === 'Reshape' ? [1] : node.inputs.map((_, i) => i);
    for (const slot of slots) {
      const value = constantValue(before.graph, d.inputs[slot]);
      if (!value) continue;
      const name = `${d.inputs[slot]}__dense`;
      graph.initializers.set(name, value);
      node.inputs[slot] = name;
      restored++;
    }
  }
  return restored;
}

/**
 * The stored value behind a layer's weight input: the constant itself, or the constant a Cast (fp16
 * weights) or DequantizeLinear (QDQ int8) converts. Its dims are the layer's weight dims.
 */
export function storedWeight(model: Model, name: string): Tensor | undefined {
  const direct = constantValue(model.graph, name);
  if (direct) return direct;
  const p = indexGraph(model.graph).producer.get(name);
  return p && (p.opType === 'Cast' || p.opType === 'DequantizeLinear')
    ? constantValue(model.graph, p.inputs[0])
    : undefined;
}
