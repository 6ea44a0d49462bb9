/**
 * Values of fed integer scalars that decide which branch runs. A model that branches on a value it
 * is fed (Silero VAD's `sr`: `If(sr == 16000)` picks the 16 kHz or the 8 kHz network) runs only
 * one branch on random feeds, so a verification that never feeds the compared constant never runs
 * the other branch's pruned weights. An input is deciding when every use of it is a comparison
 * with a scalar constant (so any value is a valid feed); its deciding values are the boundary
 * values of those comparisons on the side random small ids rarely reach: the constant for Equal,
 * GreaterOrEqual and Less, one more for Greater and LessOrEqual.
 */
import { constantValue } from '../ir/constants.js';
import { forEachScope } from '../ir/scopes.js';
import { numel } from '../ir/tensor.js';
import type { Graph, Model, Node } from '../ir/types.js';
import { feedableInputs } from '../runtime/index.js';

const INTEGER = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

/** The boundary value of `input OP c` (see the file comment). */
const FLIP: Record<string, ((c: number) => number) | undefined> = {
  Equal: (c) => c,
  GreaterOrEqual: (c) => c,
  Greater: (c) => c + 1,
  Less: (c) => c,
  LessOrEqual: (c) => c + 1,
};

/** Deciding values by input name, in the order the graph compares them (see the file comment). */
export function decidingValues(model: Model): Map<string, number[]> {
  const candidates = feedableInputs(model).filter(
    (i) => i.dtype && INTEGER.has(i.dtype) && i.shape && numel(i.shape.map(Number)) === 1,
  );
  const out = new Map<string, number[]>();
  for (const input of candidates) {
    const values: number[] = [];
    let uses = 0;
    let onlyCompared = true;
    // Every scope: the comparison deciding a nested If sits in an outer If's branch.
    forEachScope(model.graph, (g) => {
      for (const node of g.nodes)
        node.inputs.forEach((name, slot) => {
          if (name !== input.name) return;
          uses++;
          const v = boundary(model, g, node, slot);
          if (v === undefined) onlyCompared = false;
          else if (!values.includes(v)) values.push(v);
        });
    });
    if (uses > 0 && onlyCompared) out.set(input.name, values);
  }
  return out;
}

/** The boundary value of the comparison `node` makes of its input `slot` with a scalar constant, if it is one. */
function boundary(model: Model, scope: Graph, node: Node, slot: number): number | undefined {
  if (!FLIP[node.opType] || node.inputs.length !== 2) return undefined;
  const name = node.inputs[1 - slot];
  const other = constantValue(scope, name) ?? constantValue(model.graph, name);
  if (!other || numel(other.dims) !== 1) return undefined;
  const c = Number(Array.from(other.data as ArrayLike<number | bigint>)[0]);
  // The constant on the left mirrors the comparison: c < x is x > c.
  const op = slot === 0 ? node.opType : (MIRRORED[node.opType] ?? node.opType);
  return FLIP[op]!(c);
}

const MIRRORED: Record<string, string> = {
  Greater: 'Less',
  Less: 'Greater',
  GreaterOrEqual: 'LessOrEqual',
  LessOrEqual: 'GreaterOrEqual',
};
