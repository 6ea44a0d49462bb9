/**
 * The model's interface (graph inputs and outputs) before and after pruning.
 * Pruning KV heads or the head size shrinks the cache inputs/outputs, and removing
 * a layer drops its cache: callers feeding the model must know, so every change
 * is listed (`prune` report, `--json` `interface`).
 */
import type { Dim, Model, ValueInfo } from '../ir/types.js';

export interface InterfaceChange {
  name: string;
  kind: 'input' | 'output';
  /** Declared dims before (null: the value did not exist). */
  before: Dim[] | null;
  /** Declared dims after (null: the value was removed). */
  after: Dim[] | null;
}

const same = (a: readonly Dim[] | undefined, b: readonly Dim[] | undefined) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]));

function diff(
  kind: InterfaceChange['kind'],
  before: readonly ValueInfo[],
  after: readonly ValueInfo[],
): InterfaceChange[] {
  const out: InterfaceChange[] = [];
  const now = new Map(after.map((v) => [v.name, v]));
  for (const v of before) {
    const w = now.get(v.name);
    if (!w) out.push({ name: v.name, kind, before: v.shape ? [...v.shape] : null, after: null });
    else if (!same(v.shape, w.shape))
      out.push({ name: v.name, kind, before: v.shape ? [...v.shape] : null, after: w.shape ? [...w.shape] : null });
  }
  const was = new Set(before.map((v) => v.name));
  for (const w of after)
    if (!was.has(w.name)) out.push({ name: w.name, kind, before: null, after: w.shape ? [...w.shape] : null });
  return out;
}

/** Inputs and outputs whose declared shape changed, that appeared or that disappeared. */
export function interfaceChanges(before: Model, after: Model): InterfaceChange[] {
  return [
    ...diff('input', before.graph.inputs, after.graph.inputs),
    ...diff('output', before.graph.outputs, after.graph.outputs),
  ];
}

/** "past_key_values.0.key [batch,2,past,8] → [batch,1,past,8]" */
export function formatInterfaceChange(c: InterfaceChange): string {
  const dims = (d: Dim[] | null) => (d ? `[${d.map((x) => x ?? '?').join(',')}]` : 'removed');
  return `${c.kind} ${c.name} ${c.before ? dims(c.before) : '(new)'} → ${dims(c.after)}`;
}
