/**
 * Decoded `Constant` node values, cached per attribute proto: inference runs
 * thousands of times on the same graphs in property tests and must not re-decode.
 * Keyed by the attribute object, so `setConstant` (which replaces it) invalidates.
 */
import { constantNodeValue } from '../ir/constants.js';
import type { Node, Tensor } from '../ir/types.js';

const cache = new WeakMap<object, Tensor | null>();

export function constantNodeTensor(node: Node): Tensor | undefined {
  const attr = node.attributes.find((a) => (a.name ?? '').startsWith('value'));
  if (!attr) return undefined;
  let t = cache.get(attr);
  if (t === undefined) {
    t = constantNodeValue(node) ?? null;
    cache.set(attr, t);
  }
  return t ?? undefined;
}
