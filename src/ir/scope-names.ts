/**
 * Distinct names across scopes. ONNX forbids a subgraph to redefine an outer name, but two sibling
 * scopes (an If's then and else branches, two bodies of one node) may each define `x`. Renaming
 * such a local name inside its own scope (and the reads of it in the scopes nested there) changes
 * nothing a user sees: subgraph inputs and outputs are matched by position, not by name.
 */
import { forEachScope, subgraphsOf } from './scopes.js';
import type { Graph, Model } from './types.js';

/** Names a scope defines: its inputs, initializers and node outputs. */
function definedIn(g: Graph): string[] {
  const out = [...g.inputs.map((i) => i.name), ...g.initializers.keys()];
  for (const n of g.nodes) for (const o of n.outputs) if (o) out.push(o);
  return out;
}

/** Renames definitions and reads in `g`, and reads in its nested scopes that do not define the name. */
function renameIn(g: Graph, map: ReadonlyMap<string, string>, definitions: boolean): void {
  const to = (n: string) => map.get(n) ?? n;
  for (const n of g.nodes) {
    n.inputs = n.inputs.map(to);
    if (definitions) n.outputs = n.outputs.map(to);
    for (const [, sub] of subgraphsOf(n)) {
      const own = new Set(definedIn(sub));
      const inner = new Map([...map].filter(([k]) => !own.has(k)));
      if (inner.size) renameIn(sub, inner, false);
    }
  }
  for (const v of g.outputs) v.name = to(v.name);
  if (!definitions) return;
  for (const v of [...g.inputs, ...g.valueInfo]) v.name = to(v.name);
  for (const [k, t] of [...g.initializers]) {
    const n = map.get(k);
    if (n === undefined) continue;
    g.initializers.delete(k);
    g.initializers.set(n, t);
  }
}

/**
 * Gives every name defined in more than one scope a fresh name in each later scope (the main graph
 * keeps all of its names). Mutates `model` (call on a copy); returns how many names were changed.
 */
export function uniqueScopeNames(model: Model): number {
  const all = new Set<string>();
  forEachScope(model.graph, (g) => {
    for (const n of definedIn(g)) all.add(n);
    for (const v of g.valueInfo) all.add(v.name);
  });
  const seen = new Set<string>();
  let renamed = 0;
  forEachScope(model.graph, (g) => {
    const map = new Map<string, string>();
    for (const name of definedIn(g)) {
      if (!seen.has(name)) {
        seen.add(name);
        continue;
      }
      if (map.has(name)) continue;
      let k = 1;
      while (all.has(`${name}__s${k}`)) k++;
      const fresh = `${name}__s${k}`;
      all.add(fresh);
      seen.add(fresh);
      map.set(name, fresh);
    }
    if (map.size === 0) return;
    renamed += map.size;
    renameIn(g, map, true);
  });
  return renamed;
}
