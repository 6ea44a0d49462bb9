/** Shapes as text, the same way everywhere: `[batch,8,?]`; `[?]` when the rank is unknown. */
import type { Dim } from './types.js';

export function formatShape(shape: readonly Dim[] | undefined): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]` : '[?]';
}
