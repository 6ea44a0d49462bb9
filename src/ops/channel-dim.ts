/**
 * How many channels an axis holds. A static dim holds that many. A symbolic dim
 * of the form "k*batch" (PyTorch's `view(T, B*H, hd)` in nn.MultiheadAttention)
 * holds k channels as its inner factor: index b*k + h is channel h of batch b.
 */
import type { Dim } from '../ir/types.js';

export function channelCount(dim: Dim | undefined): number | undefined {
  if (typeof dim === 'number') return dim;
  if (typeof dim !== 'string') return undefined;
  const m = /^(\d+)\*([A-Za-z_][\w.:/]*(\*[A-Za-z_][\w.:/]*)*)$/.exec(dim);
  return m ? Number(m[1]) : undefined;
}
