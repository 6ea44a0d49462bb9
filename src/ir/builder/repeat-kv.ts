/**
 * Grouped-query attention's K/V repeat, as exporters write `repeat_interleave`
 * / `repeat_kv`: Unsqueeze after the head axis, Expand (or Tile) it to `rep`,
 * Reshape the (kvH, rep) pair into H heads. KV head h serves Q heads
 * h·rep .. h·rep + rep - 1.
 */
import type { BuilderCore, Value } from './core.js';
import { reshape, type ReshapeDim } from './reshape.js';
import { expand, tile, unsqueeze } from './shape-ops.js';

export interface RepeatKvOptions {
  /** Axis of the KV heads in the rank-4 input: 1 for [B, kvH, T, hd], 2 for [B, T, kvH, hd]. */
  headAxis: 1 | 2;
  heads: number;
  hd: number;
  tile: boolean;
  dynamic: boolean;
  tag: string;
}

export function repeatKvHeads(b: BuilderCore, t: Value, o: RepeatKvOptions): Value {
  const kv = t.shape[o.headAxis] as number;
  const rep = o.heads / kv;
  const after = o.headAxis + 1;
  const u = unsqueeze(b, t, [after], { name: `unsqueeze_${o.tag}` });
  const reps = [1, 1, 1, 1, 1].map((one, i) => (i === after ? rep : one));
  const r = o.tile ? tile(b, u, reps, { name: `tile_${o.tag}` }) : expand(b, u, reps, { name: `expand_${o.tag}` });
  // Rank 4 again: the (kvH, rep) pair becomes H; the other axes keep their runtime sizes, hd its constant.
  const dims: ReshapeDim[] = [0, 1, 2, 3].map((i) =>
    i === o.headAxis ? o.heads : i === 3 ? o.hd : { axis: i < o.headAxis ? i : i + 1 },
  );
  return reshape(b, r, dims, { dynamic: o.dynamic, name: `repeat_${o.tag}` });
}
