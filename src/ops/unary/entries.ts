/** Shape-vector entries through Floor/Ceil/Round: a runtime size is an integer already; a constant is rounded. */
import type { ShapeEntryRule } from '../shape-entry.js';

/** Round half to even, as ONNX Round does. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const r = x - f;
  return r > 0.5 || (r === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

const ROUNDING: Record<string, (x: number) => number> = { Floor: Math.floor, Ceil: Math.ceil, Round: roundHalfEven };

/** A rounded constant is no longer a rewritable literal: it becomes fixed. */
export const roundEntry: ShapeEntryRule = (t, node, _name, pos) => {
  const e = t.trace(node.inputs[0], pos);
  const round = ROUNDING[node.opType];
  return e.kind === 'literal' || e.kind === 'fixed' ? { kind: 'fixed', value: round(e.value) } : e;
};
