/**
 * The KV cache of one attention layer as exporters write it: `present = Concat(past, new)` along
 * the sequence axis, `past` a graph input and `present` a graph output (src/prune/kv-cache.ts finds
 * exactly this by the graph).
 */
import type { BuilderCore, Value } from './core.js';
import { concat } from './shape-ops.js';

/**
 * Concatenates a `past_<tag>_<layer>` graph input before `t` along `seqAxis` (K/V with kvH heads
 * and their head size kept from `t`) and exposes the result as `present_<tag>_<layer>`.
 */
export function withCache(b: BuilderCore, t: Value, o: { layer: string; tag: 'key' | 'value'; seqAxis: 1 | 2 }): Value {
  const shape = t.shape.map((d, i) => (i === o.seqAxis ? 'past' : d)) as (number | string)[];
  const past = b.input(`past_${o.tag}_${o.layer}`, t.dtype, shape);
  const present = concat(b, [past, t], o.seqAxis, { name: `concat_past_${o.tag}` });
  return b.output(present, `present_${o.tag}_${o.layer}`);
}
