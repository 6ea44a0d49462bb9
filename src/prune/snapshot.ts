/**
 * Undo for in-place work on a prepared model. Structural removal edits the
 * analysis' own model in place (its graph index, shapes and rule contexts refer
 * to those very node objects); a snapshot taken before lets `prune()` hand back
 * a copy of the result and return the analysis exactly as it was: the same
 * objects (node, list and Map identities matter to re-sharing and to the
 * cached rule contexts) holding the same contents.
 */
import { refreshView } from '../ir/flat-scopes.js';
import { forEachScope } from '../ir/scopes.js';
import type { Graph, Model, Node, Tensor, ValueInfo } from '../ir/types.js';

function restoreArray<T>(ref: T[], content: readonly T[]): T[] {
  ref.length = 0;
  ref.push(...content);
  return ref;
}

function snapshotInfos(list: ValueInfo[]): () => ValueInfo[] {
  const items = list.map((v) => ({ v, fields: { ...v }, shape: v.shape ? [...v.shape] : undefined }));
  const content = [...list];
  return () => {
    for (const { v, fields, shape } of items) {
      for (const key of Object.keys(v) as (keyof ValueInfo)[]) if (!(key in fields)) delete v[key];
      Object.assign(v, fields);
      if (fields.shape && shape) v.shape = restoreArray(fields.shape, shape);
    }
    return restoreArray(list, content);
  };
}

function snapshotNode(n: Node): () => void {
  const fields = { ...n };
  const inputs = [...n.inputs],
    outputs = [...n.outputs],
    attributes = [...n.attributes];
  return () => {
    for (const key of Object.keys(n) as (keyof Node)[]) if (!(key in fields)) delete n[key];
    Object.assign(n, fields);
    restoreArray(fields.inputs, inputs);
    restoreArray(fields.outputs, outputs);
    restoreArray(fields.attributes, attributes);
  };
}

/**
 * Records `model`'s graph and every subgraph in it; the returned function puts every recorded object and
 * content back. `view`, a flat view of `model` (`ir/flat-scopes.ts`), gets its node list back too.
 */
export function snapshotModel(model: Model, view?: Model): () => void {
  const restores: (() => void)[] = [];
  forEachScope(model.graph, (g) => restores.push(snapshotGraph(g)));
  return () => {
    for (const restore of restores) restore();
    if (view && view !== model) refreshView(view);
  };
}

function snapshotGraph(graph: Graph): () => void {
  const fields = { ...graph };
  const nodes = [...graph.nodes];
  const nodeRestores = nodes.map(snapshotNode);
  const initializers = new Map<string, Tensor>(graph.initializers);
  const restoreInputs = snapshotInfos(graph.inputs);
  const restoreOutputs = snapshotInfos(graph.outputs);
  const restoreValueInfo = snapshotInfos(graph.valueInfo);
  return () => {
    Object.assign(graph, fields);
    restoreArray(fields.nodes, nodes);
    for (const restore of nodeRestores) restore();
    fields.initializers.clear();
    for (const [k, v] of initializers) fields.initializers.set(k, v);
    restoreInputs();
    restoreOutputs();
    restoreValueInfo();
  };
}
