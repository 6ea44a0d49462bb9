/**
 * Constant values as exporters write them: initializers, `Constant` nodes, and
 * `Identity` nodes aliasing either (PyTorch de-duplicates equal parameters into
 * one initializer and re-creates the other names with Identity).
 */
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor, setAttrTensor } from './attrs.js';
import { indexGraph, type GraphIndex } from './graph-index.js';
import { fromNumbers } from './tensor.js';
import type { Graph, Node, Tensor } from './types.js';

/** Where a constant's bytes live. */
export type ConstantSource = { kind: 'initializer'; name: string } | { kind: 'constant-node'; node: Node };

/** Follows Identity aliases back to the value that holds the data. */
export function resolveAlias(name: string, index: GraphIndex): string {
  let current = name;
  for (let hops = 0; hops < 64; hops++) {
    const p = index.producer.get(current);
    if (p?.opType !== 'Identity' || p.domain !== '') return current;
    current = p.inputs[0];
  }
  return current;
}

export function constantSource(
  graph: Graph,
  name: string,
  index: GraphIndex = indexGraph(graph),
): ConstantSource | undefined {
  const root = resolveAlias(name, index);
  const producer = index.producer.get(root);
  if (producer)
    return producer.opType === 'Constant' && producer.domain === ''
      ? { kind: 'constant-node', node: producer }
      : undefined;
  // An initializer that is also a graph input is overridable at run time: not a constant.
  if (graph.initializers.has(root) && !index.graphInputs.has(root)) return { kind: 'initializer', name: root };
  return undefined;
}

/** The value of a constant (initializer, Constant node, through Identity), or undefined. */
export function constantValue(graph: Graph, name: string, index: GraphIndex = indexGraph(graph)): Tensor | undefined {
  const src = constantSource(graph, name, index);
  if (!src) return undefined;
  return src.kind === 'initializer' ? graph.initializers.get(src.name) : constantNodeValue(src.node);
}

/**
 * Decoded `value` tensors of Constant nodes, by attribute: setConstant replaces the
 * attribute object, so a cached entry can never be stale. Saves decoding the same
 * weight on every lookup of graphs that keep their weights in Constant nodes.
 */
const decoded = new WeakMap<object, Tensor>();

export function constantNodeValue(node: Node): Tensor | undefined {
  const attr = node.attributes.find((a) => a.name === 'value');
  if (attr?.t) {
    let t = decoded.get(attr);
    if (!t) decoded.set(attr, (t = attrTensor(node, 'value')!));
    return t;
  }
  const f = attrFloat(node, 'value_float');
  if (f !== undefined) return fromNumbers('float32', [], [f]);
  const fs = attrFloats(node, 'value_floats');
  if (fs) return fromNumbers('float32', [fs.length], fs);
  const i = attrInt(node, 'value_int');
  if (i !== undefined) return fromNumbers('int64', [], [i]);
  const is = attrInts(node, 'value_ints');
  if (is) return fromNumbers('int64', [is.length], is);
  return undefined;
}

/** Replaces a constant's value wherever it is stored. */
export function setConstant(graph: Graph, src: ConstantSource, value: Tensor): void {
  if (src.kind === 'initializer') {
    graph.initializers.set(src.name, value);
    return;
  }
  src.node.attributes = src.node.attributes.filter((a) => !(a.name ?? '').startsWith('value'));
  setAttrTensor(src.node, 'value', value);
}

/** Every name that reads the same stored constant (the root plus its Identity aliases). */
export function aliasesOf(root: string, index: GraphIndex): string[] {
  const names = [root];
  for (let i = 0; i < names.length; i++) {
    for (const use of index.consumers.get(names[i]) ?? []) {
      if (use.node.opType === 'Identity' && use.node.domain === '') names.push(use.node.outputs[0]);
    }
  }
  return names;
}
