/** The part every attention layout shares: scores → scale → masks → softmax over keys. */
import { softmax } from './activation.js';
import type { AttentionOptions } from './attention-options.js';
import { causalMask } from './causal-mask.js';
import type { BuilderCore, Value } from './core.js';
import { binary } from './elementwise.js';

export interface AttentionDims {
  name: string;
  e: number;
  heads: number;
  kvHeads: number;
  hd: number;
}

/** Scores [B, H, T, T] → scaled, masked, softmax over keys (inside the attention's scope). */
export function attentionProbs(b: BuilderCore, x: Value, scores: Value, o: AttentionOptions, d: AttentionDims): Value {
  let s = scores;
  if (o.scale === 'mul') s = binary(b, 'Mul', s, 1 / Math.sqrt(d.hd), { name: 'scale' });
  else if (o.scale !== 'none') s = binary(b, 'Div', s, Math.sqrt(d.hd), { name: 'scale' });
  if (o.causalMask) s = binary(b, 'Add', s, causalMask(b, d.name, x, o.maxSeq), { name: 'causal_add' });
  if (o.mask) s = binary(b, 'Add', s, o.mask, { name: 'mask_add' });
  return softmax(b, s, { axis: -1, name: 'softmax' });
}
