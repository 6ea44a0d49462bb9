/**
 * Names of a graph's nodes that survive renaming: each main-graph node's key is a hash of its op and
 * of where its inputs come from (a graph input by name, a stored constant, or another node's key and
 * output slot), so a node keeps its key when a tool renames every node and internal tensor, turns
 * Constant nodes into initializers, reorders initializers, or shares or folds weight plumbing (a node
 * reading only stored values counts as a stored value). Structurally identical siblings (q, k
 * and v projections of the same input) share a key.
 */
import { createHash } from 'node:crypto';
import { indexGraph } from './graph-index.js';
import type { Model, Node } from './types.js';

/** Main-graph node name → structural key. */
export function structuralKeys(model: Model): Map<string, string> {
  const g = model.graph;
  const index = indexGraph(g);
  const runtime = new Set(g.inputs.filter((i) => !g.initializers.has(i.name)).map((i) => i.name));
  const keys = new Map<Node, string>();
  const producing = new Set<Node>();
  const valueKey = (value: string): string => {
    if (value === '') return '';
    if (runtime.has(value)) return `in:${value}`;
    const node = index.producer.get(value);
    if (!node || constantOnly(node)) return 'const';
    return `${nodeKey(node)}#${node.outputs.indexOf(value)}`;
  };
  // Weight plumbing (Identity, Cast, DequantizeLinear of stored values) is what tools fold, share or
  // un-share: its outputs count as constants.
  const folded = new Map<Node, boolean>();
  const constantOnly = (node: Node): boolean => {
    let known = folded.get(node);
    if (known === undefined) {
      folded.set(node, false);
      known =
        node.opType === 'Constant' ||
        (node.inputs.length > 0 && node.inputs.every((i) => i === '' || valueKey(i) === 'const'));
      folded.set(node, known);
    }
    return known;
  };
  const nodeKey = (node: Node): string => {
    const known = keys.get(node);
    if (known) return known;
    if (producing.has(node)) return 'cycle';
    producing.add(node);
    const text = `${node.domain}:${node.opType}(${node.inputs.map(valueKey).join(',')})`;
    const key = createHash('sha1').update(text).digest('base64url').slice(0, 16);
    keys.set(node, key);
    return key;
  };
  const byName = new Map<string, string>();
  for (const node of g.nodes) if (node.name && node.opType !== 'Constant') byName.set(node.name, nodeKey(node));
  return byName;
}

/** Structural keys made unique by their order among the nodes that share them (tools keep node order). */
function orderedKeys(model: Model): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const [name, key] of structuralKeys(model)) {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    out.set(name, `${key}.${n}`);
  }
  return out;
}

/** The dense node each renamed node of `pruned` stands for: the same structural key, in the same order. */
export function denseCounterparts(dense: Model, pruned: Model): Map<string, string> {
  const byKey = new Map([...orderedKeys(dense)].map(([name, key]) => [key, name]));
  const out = new Map<string, string>();
  for (const [name, key] of orderedKeys(pruned)) {
    const d = byKey.get(key);
    if (d) out.set(name, d);
  }
  return out;
}

/**
 * The name `pruned` gives the dense tensor `name` when a tool renamed it: the input, at the same slot,
 * of the counterpart of a node reading it. Undefined when no reader has a counterpart.
 */
export function renamedTensor(dense: Model, pruned: Model, name: string): string | undefined {
  const toPruned = new Map([...denseCounterparts(dense, pruned)].map(([p, d]) => [d, p]));
  const nodes = new Map(pruned.graph.nodes.map((n) => [n.name, n]));
  for (const reader of dense.graph.nodes) {
    const slot = reader.inputs.indexOf(name);
    const counterpart = slot >= 0 ? nodes.get(toPruned.get(reader.name) ?? '') : undefined;
    if (counterpart?.inputs[slot]) return counterpart.inputs[slot];
  }
  return undefined;
}
