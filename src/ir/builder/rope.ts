/**
 * Rotary position embedding (RoPE) as HF/torch exports it, decomposed: `t·cos + rot(t)·sin` with
 * cos/sin tables [T, hd] stored for a fixed sequence length (the exporter folds `cos_cached[:T]`).
 * Two pairings of the head's features:
 * - 'rotate-half' (Llama, NeoX): feature i pairs with i + hd/2; rot(t) = cat(-t[hd/2:], t[:hd/2]);
 * - 'interleaved' (GPT-J): feature 2i pairs with 2i+1; rot(t) = stack(-t[1::2], t[0::2]).flatten(-1).
 * The tables carry one frequency per pair (repeated in both halves, or twice in a row), so a
 * head-size pruner must keep or remove both members of a pair and slice the tables with them.
 */
import { fromNumbers } from '../tensor.js';
import type { BuilderCore, Value } from './core.js';
import { concrete, fail } from './dims.js';
import { binary } from './elementwise.js';
import { reshape } from './reshape.js';
import { concat, slice, unsqueeze } from './shape-ops.js';

/** How RoPE pairs a head's features. */
export type RopeStyle = 'rotate-half' | 'interleaved';

/** cos and sin for the positions of one layer, shaped to broadcast over the rotated values. */
export interface RopeTables {
  cos: Value;
  sin: Value;
  style: RopeStyle;
}

/** cos/sin [T, hd] values: pair p has frequency 10000^(-2p/hd). */
function tableValues(style: RopeStyle, t: number, hd: number, fn: (a: number) => number): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < t; pos++)
    for (let i = 0; i < hd; i++) {
      const pair = style === 'interleaved' ? Math.floor(i / 2) : i % (hd / 2);
      out.push(fn(pos * 10000 ** ((-2 * pair) / hd)));
    }
  return out;
}

/**
 * The tables of attention `owner` for the sequence axis 1 of `x` ([B, T, E], T concrete): [T, hd] to
 * broadcast over [B, H, T, hd] (`headsBeforeSeq`), or [T, 1, hd] over [B, T, H, hd].
 */
export function ropeTables(
  b: BuilderCore,
  owner: string,
  x: Value,
  o: { hd: number; style: RopeStyle; headsBeforeSeq: boolean },
): RopeTables {
  if (o.hd % 2) fail(`attention ${owner}: RoPE needs an even head size, got ${o.hd}`);
  const t = concrete(`attention ${owner}: RoPE tables need the sequence length of ${x.name}`, x.shape, 1);
  const dims = o.headsBeforeSeq ? [t, o.hd] : [t, 1, o.hd];
  const table = (tag: 'cos' | 'sin') =>
    b.ownedConstant(
      owner,
      `${tag}_cached`,
      fromNumbers(x.dtype, dims, tableValues(o.style, t, o.hd, tag === 'cos' ? Math.cos : Math.sin)),
    );
  return { cos: table('cos'), sin: table('sin'), style: o.style };
}

function neg(b: BuilderCore, x: Value, name: string): Value {
  return b.node('Neg', [x], { name: b.nodeName('neg', name), outputs: [{ dtype: x.dtype, shape: x.shape }] })[0];
}

/** rot(t) of the style, on the last axis of a rank-4 `t`. */
function rotate(b: BuilderCore, t: Value, style: RopeStyle, tag: string): Value {
  const hd = t.shape[3] as number;
  if (style === 'rotate-half') {
    const h = hd / 2;
    const x1 = slice(b, t, { starts: [0], ends: [h], axes: [-1], name: `rope_${tag}_x1` });
    const x2 = slice(b, t, { starts: [h], ends: [hd], axes: [-1], name: `rope_${tag}_x2` });
    return concat(b, [neg(b, x2, `rope_${tag}_neg`), x1], -1, { name: `rope_${tag}_rot` });
  }
  const even = slice(b, t, { starts: [0], ends: [hd], axes: [-1], steps: [2], name: `rope_${tag}_even` });
  const odd = slice(b, t, { starts: [1], ends: [hd], axes: [-1], steps: [2], name: `rope_${tag}_odd` });
  const pairs = concat(
    b,
    [
      unsqueeze(b, neg(b, odd, `rope_${tag}_neg`), [-1], { name: `rope_${tag}_u1` }),
      unsqueeze(b, even, [-1], { name: `rope_${tag}_u0` }),
    ],
    -1,
    { name: `rope_${tag}_stack` },
  );
  return reshape(b, pairs, [{ axis: 0 }, { axis: 1 }, { axis: 2 }, hd], { name: `rope_${tag}_flatten` });
}

/** t·cos + rot(t)·sin for a rank-4 `t` whose last axis is the head size. */
export function applyRope(b: BuilderCore, t: Value, tables: RopeTables, tag: string): Value {
  const rotated = binary(b, 'Mul', rotate(b, t, tables.style, tag), tables.sin, { name: `rope_${tag}_sin` });
  return binary(b, 'Add', binary(b, 'Mul', t, tables.cos, { name: `rope_${tag}_cos` }), rotated, {
    name: `rope_${tag}`,
  });
}
