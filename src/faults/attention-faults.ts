/**
 * Grouped-query attention's bug classes (LLM-Pruner, Torch-Pruning on Llama, vLLM loaders): K/V
 * heads pruned independently of their query heads, a head count that is not a multiple of the
 * group size, repeat_kv's head count hard-coded.
 */
import { indexGraph } from '../ir/graph-index.js';
import { cacheInterface } from '../prune/kv-cache.js';
import type { Model, Node } from '../ir/types.js';
import type { Fault } from './types.js';
import { restoringFault, undoingFault } from './restoring.js';
import { keptAxes, type Pruned, replaceStored, restoreReshapeTargets, sliceAll } from './support.js';
import { constantValue } from '../ir/constants.js';

/** Ops a projection's output passes through on its way to repeat_kv (weight conversions, biases, head reshapes). */
const TOWARDS_REPEAT = new Set(['Reshape', 'Transpose', 'Add', 'MatMul', 'Gemm', 'Einsum', 'Cast', 'DequantizeLinear']);

/** An Unsqueeze whose output is Expanded or Tiled: repeat_kv (see ir/builder/repeat-kv.ts). */
function isRepeat(index: ReturnType<typeof indexGraph>, u: Node): boolean {
  return (
    u.opType === 'Unsqueeze' &&
    (index.consumers.get(u.outputs[0]) ?? []).some((x) => x.node.opType === 'Expand' || x.node.opType === 'Tile')
  );
}

/**
 * Whether `node`'s output reaches a repeat_kv within a few projection/layout ops: it is part of a
 * K or V projection (its weight, a bias Add, a weight's DequantizeLinear or Cast). A Q projection
 * stops at the scores' Softmax.
 */
export function feedsRepeatKv(model: Model, node: Node): boolean {
  const index = indexGraph(model.graph);
  let frontier = [node];
  for (let depth = 0; depth < 6 && frontier.length; depth++) {
    const next: Node[] = [];
    for (const n of frontier) {
      for (const out of n.outputs) {
        for (const { node: u } of index.consumers.get(out) ?? []) {
          if (isRepeat(index, u)) return true;
          if (TOWARDS_REPEAT.has(u.opType)) next.push(u);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/** Groups of the correct pruning with a K/V side (members feeding repeat_kv): grouped-query attention. */
function gqaGroups(p: Pruned) {
  const model = p.analysis.model;
  const nodes = new Map(model.graph.nodes.map((n) => [n.name, n]));
  const kv = (m: { node: string }) => {
    const n = nodes.get(m.node);
    return !!n && feedsRepeatKv(model, n);
  };
  return p.removed
    .map(({ group, remove }) => ({ group, remove, kv: group.members.filter((m) => !m.entry && kv(m)) }))
    .filter((g) => g.kv.length > 0)
    .map((g) => ({ ...g, q: g.group.members.filter((m) => !m.entry && !g.kv.includes(m)) }));
}

export const gqaKvHeadsNotPruned: Fault = restoringFault(
  {
    id: 'gqa-kv-heads-not-pruned',
    bug:
      'Grouped-query attention: query heads are removed, but the K/V projections keep every KV head ' +
      '(the pruner treats K/V as independent of Q), so repeat_kv produces the old head count (LLM-Pruner, ' +
      'Torch-Pruning on Llama).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => {
    const kv = new Set(gqaGroups(p).flatMap((g) => g.kv.map((m) => m.tensor)));
    return (_node, tensor) => kv.has(tensor);
  },
);

export const gqaHeadRatioNotMultiple: Fault = undoingFault(
  {
    id: 'gqa-head-ratio-not-multiple',
    bug:
      'Grouped-query attention pruned by a head ratio that is not a multiple of 1/kv_heads: the KV heads ' +
      'are removed whole, but the query side is rounded separately and keeps one head of a removed group, ' +
      'so Q has one head more than repeat_kv gives K and V (Torch-Pruning and LLM-Pruner on Llama/Mistral ' +
      'with a 0.25 ratio and 8 KV heads).',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency', 'no-silent-broadcast'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => {
    for (const { remove, kv, q } of gqaGroups(p)) {
      // One query head of the first removed group stays: its positions are the last 1/n_rep of the group's.
      const perHead = kv[0].indices[remove[0]].length;
      for (const m of q) {
        const dense = constantValue(p.analysis.model.graph, m.tensor);
        if (!dense) continue;
        const kept = keptAxes(p, m.tensor);
        const back = m.indices[remove[0]].slice(-perHead);
        kept.set(
          m.axis,
          [...(kept.get(m.axis) ?? []), ...back].sort((a, b) => a - b),
        );
        replaceStored(p.pruned, m.tensor, sliceAll(dense, kept));
      }
    }
  },
);

export const repeatKvNotUpdated: Fault = undoingFault(
  {
    id: 'repeat-kv-not-updated',
    bug:
      "KV heads are removed and the attention reshapes follow, but repeat_kv's target head count " +
      '(num_key_value_heads · n_rep, written into the export from the config) keeps the old value ' +
      "(HF configs whose num_key_value_heads is not updated after pruning; vLLM's loader then fails).",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  (p) => {
    const index = indexGraph(p.pruned.graph);
    restoreReshapeTargets(p, (reshape) => {
      const src = index.producer.get(reshape.inputs[0]);
      const unsq = src && (src.opType === 'Expand' || src.opType === 'Tile') && index.producer.get(src.inputs[0]);
      return !!unsq && isRepeat(index, unsq);
    });
  },
);

export const kvCacheNotUpdated: Fault = undoingFault(
  {
    id: 'kv-cache-not-updated',
    bug:
      'KV heads are removed from the projections, but the KV-cache inputs and outputs keep their old ' +
      'declared head count (the cache is allocated from the unpruned config: vLLM/TensorRT-LLM cache ' +
      "managers, Optimum's past_key_values shapes), so the serving code feeds a cache the model cannot concatenate.",
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['kv-cache'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  ({ dense, pruned }) => {
    const declared = new Map([...dense.graph.inputs, ...dense.graph.outputs].map((v) => [v.name, v.shape]));
    const cache = cacheInterface(pruned.graph, indexGraph(pruned.graph));
    for (const v of [...pruned.graph.inputs, ...pruned.graph.outputs]) {
      const before = declared.get(v.name);
      if (cache.has(v.name) && before) v.shape = [...before];
    }
  },
);

export const repeatKvNRepNotUpdated: Fault = undoingFault(
  {
    id: 'repeat-kv-nrep-not-updated',
    bug:
      'Query heads are removed within every GQA group (n_rep 2 → 1), the query projection and the merged head ' +
      "count follow, but repeat_kv's repeat count (the Expand/Tile n_rep, from num_attention_heads // " +
      'num_key_value_heads of the unpruned config) keeps the old value, so each KV head is repeated too often.',
    failureMode: 'shape-mismatch',
    caughtBy: ['shape-consistency'],
    families: ['attention'],
    plans: { parts: ['heads'], everyGroup: true },
  },
  ({ analysis, pruned }) => {
    const index = indexGraph(pruned.graph);
    const denseNodes = new Map(analysis.model.graph.nodes.map((n) => [n.name, n]));
    for (const node of pruned.graph.nodes) {
      if (node.opType !== 'Expand' && node.opType !== 'Tile') continue;
      const unsq = index.producer.get(node.inputs[0]);
      const d = denseNodes.get(node.name);
      const count = d && constantValue(analysis.model.graph, d.inputs[1]);
      if (!unsq || !isRepeat(index, unsq) || !count) continue;
      const name = `${d.inputs[1]}__dense`;
      pruned.graph.initializers.set(name, count);
      node.inputs[1] = name;
    }
  },
);
