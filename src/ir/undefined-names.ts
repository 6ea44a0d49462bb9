/**
 * Names a model reads that no scope defines: what a pruner leaves behind when it deletes a value
 * still in use (a weight read only inside an `If` branch, say). onnxruntime refuses such a file
 * ("input ... is not output of any previous nodes"); this finds it without running anything.
 */
import { subgraphsOf } from './scopes.js';
import type { Graph, Model } from './types.js';

export interface UndefinedName {
  name: string;
  /** The reader: "node NAME (OP)" or "graph output", with the scopes around it. */
  where: string;
}

export function undefinedNames(model: Model): UndefinedName[] {
  const out: UndefinedName[] = [];
  visit(model.graph, new Set(), '', out);
  return out;
}

function visit(g: Graph, outer: ReadonlySet<string>, path: string, out: UndefinedName[]): void {
  const defined = new Set(outer);
  for (const i of g.inputs) defined.add(i.name);
  for (const name of g.initializers.keys()) defined.add(name);
  for (const n of g.nodes) for (const o of n.outputs) if (o) defined.add(o);
  for (const n of g.nodes) {
    const label = `${path}node ${n.name || n.outputs[0]} (${n.opType})`;
    for (const i of n.inputs) if (i && !defined.has(i)) out.push({ name: i, where: label });
    for (const [attr, sub] of subgraphsOf(n)) visit(sub, defined, `${label} > ${attr}: `, out);
  }
  for (const o of g.outputs) if (!defined.has(o.name)) out.push({ name: o.name, where: `${path}graph output` });
}
