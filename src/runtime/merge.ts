/**
 * Two models side by side in one graph, sharing their inputs: one onnxruntime
 * session (and one run) where a check would otherwise create two. Every name
 * but the shared inputs gets the side's prefix. Models with subgraph
 * attributes (If/Loop bodies) are not merged: their inner names would escape the renaming.
 */
import { AttrType, type Graph, type Model, type Node, type ValueInfo } from '../ir/types.js';

const GRAPH_ATTR = new Set<number>([AttrType.GRAPH, AttrType.GRAPHS]);

export function canMerge(a: Model, b: Model): boolean {
  const inputs = (m: Model) =>
    m.graph.inputs
      .filter((i) => !m.graph.initializers.has(i.name))
      .map((i) => `${i.name}:${i.dtype}:${(i.shape ?? []).join('x')}`)
      .sort()
      .join();
  const hasSubgraphs = (m: Model) =>
    m.graph.nodes.some((n) => n.subgraphs !== undefined || n.attributes.some((at) => GRAPH_ATTR.has(at.type ?? 0)));
  const opsets = (m: Model) =>
    m.opsetImports
      .map((o) => `${o.domain}:${o.version}`)
      .sort()
      .join();
  return inputs(a) === inputs(b) && opsets(a) === opsets(b) && !hasSubgraphs(a) && !hasSubgraphs(b);
}

/** Output `name` of side `prefix` in the merged model. */
export const mergedName = (prefix: string, name: string) => `${prefix}/${name}`;

export function mergeModels(a: Model, b: Model, prefixA = 'a', prefixB = 'b'): Model {
  const shared = new Set(a.graph.inputs.filter((i) => !a.graph.initializers.has(i.name)).map((i) => i.name));
  const side = (g: Graph, prefix: string) => {
    const rename = (n: string) => (n === '' || shared.has(n) ? n : mergedName(prefix, n));
    const nodes: Node[] = g.nodes.map((n) => ({
      ...n,
      name: mergedName(prefix, n.name || n.outputs[0]),
      inputs: n.inputs.map(rename),
      outputs: n.outputs.map(rename),
    }));
    const initializers = [...g.initializers].map(([n, t]) => [rename(n), t] as const);
    const outputs: ValueInfo[] = g.outputs.map((o) => ({ ...o, name: rename(o.name) }));
    const valueInfo: ValueInfo[] = g.valueInfo.map((v) => ({ ...v, name: rename(v.name) }));
    return { nodes, initializers, outputs, valueInfo };
  };
  const A = side(a.graph, prefixA);
  const B = side(b.graph, prefixB);
  return {
    ...a,
    graph: {
      ...a.graph,
      nodes: [...A.nodes, ...B.nodes],
      inputs: a.graph.inputs.filter((i) => shared.has(i.name)),
      outputs: [...A.outputs, ...B.outputs],
      initializers: new Map([...A.initializers, ...B.initializers]),
      valueInfo: [...A.valueInfo, ...B.valueInfo],
    },
  };
}
