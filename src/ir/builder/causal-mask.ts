/**
 * Additive causal masks (0 on and below the diagonal, -1e4 above). With a
 * concrete length: one [T, T] constant. With `maxSeq`: a [maxSeq, maxSeq]
 * buffer sliced to the runtime length through Shape → Gather → Unsqueeze →
 * Concat → Slice, as GPT-2-style exports do, so the sequence may stay symbolic.
 */
import { fromNumbers } from '../tensor.js';
import type { BuilderCore, Value } from './core.js';
import { fail, fmtShape, positiveInt } from './dims.js';
import { concat, gather, shapeOf, unsqueeze } from './shape-ops.js';

function maskValues(t: number): number[] {
  return Array.from({ length: t * t }, (_, i) => (i % t > Math.floor(i / t) ? -1e4 : 0));
}

/** A mask [T, T] for the sequence axis 1 of `x` ([B, T, E]), owned by node `owner`. */
export function causalMask(b: BuilderCore, owner: string, x: Value, maxSeq?: number): Value {
  const t = x.shape[1];
  if (maxSeq === undefined) {
    if (typeof t !== 'number')
      fail(
        `attention ${owner}: causalMask needs a concrete sequence length or maxSeq, ` +
          `got ${String(t)} in ${fmtShape(x.shape)}`,
      );
    return b.ownedConstant(owner, 'causal_mask', fromNumbers(x.dtype, [t, t], maskValues(t)));
  }
  positiveInt(`attention ${owner}: maxSeq`, maxSeq);
  if (typeof t === 'number' && t > maxSeq) fail(`attention ${owner}: sequence length ${t} exceeds maxSeq ${maxSeq}`);
  const buffer = b.ownedConstant(owner, 'causal_bias', fromNumbers(x.dtype, [maxSeq, maxSeq], maskValues(maxSeq)));
  const len = unsqueeze(b, gather(b, shapeOf(b, x, { name: 'mask_shape' }), 1, { name: 'mask_len' }), [0], {
    name: 'mask_len_1d',
  });
  const ends = concat(b, [len, len], 0, { name: 'mask_ends' });
  const name = b.nodeName('mask_slice');
  const inputs = [buffer, b.ints(name, 'starts', [0, 0]), ends, b.ints(name, 'axes', [0, 1])];
  return b.node('Slice', inputs, { name, outputs: [{ dtype: x.dtype, shape: [t, t] }] })[0];
}
