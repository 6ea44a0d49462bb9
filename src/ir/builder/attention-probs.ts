/** The part every attention layout shares: scores → scale → masks → softmax over keys. */
import { softmax } from './activation.js';
import type { AttentionOptions } from './attention-options.js';
import { causalMask } from './causal-mask.js';
import type { BuilderCore, Value } from './core.js';
import { binary } from './elementwise.js';
import { shapeOf } from './shape-ops.js';
import { fromNumbers } from '../tensor.js';

export interface AttentionDims {
  name: string;
  e: number;
  heads: number;
  kvHeads: number;
  hd: number;
}

/** `torch.zeros_like(x)` as exported: ConstantOfShape(Shape(x)) with a float zero. */
function zerosLike(b: BuilderCore, x: Value): Value {
  const shape = shapeOf(b, x, { name: 'full_like_shape' });
  const name = b.nodeName('constantofshape', 'full_like');
  return b.node('ConstantOfShape', [shape], {
    name,
    outputs: [{ dtype: x.dtype, shape: x.shape }],
    attrs: { value: { t: fromNumbers(x.dtype, [1], [0]) } },
  })[0];
}

/** Scores [B, H, T, T] → scaled, masked, softmax over keys (inside the attention's scope). */
export function attentionProbs(b: BuilderCore, x: Value, scores: Value, o: AttentionOptions, d: AttentionDims): Value {
  let s = scores;
  if (o.scale === 'mul') s = binary(b, 'Mul', s, 1 / Math.sqrt(d.hd), { name: 'scale' });
  else if (o.scale !== 'none') s = binary(b, 'Div', s, Math.sqrt(d.hd), { name: 'scale' });
  if (o.causalMask) s = binary(b, 'Add', s, causalMask(b, d.name, x, o.maxSeq), { name: 'causal_add' });
  if (o.mask) s = binary(b, 'Add', s, o.mask, { name: 'mask_add' });
  if (o.fullLikeMask) s = binary(b, 'Add', s, zerosLike(b, s), { name: 'full_like_add' });
  return softmax(b, s, { axis: -1, name: 'softmax' });
}
