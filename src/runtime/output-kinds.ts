/**
 * How each graph output must be compared between two runs that differ by rounding (a pruned model
 * and its mask oracle), found from the graph (the ops that produce the output), never from names:
 *
 * - **precision**: the coarsest float type the output's value is computed through (its own dtype,
 *   the inputs and weights it depends on, Cast targets). An output of a model whose weights are
 *   float16 is only as precise as float16, whatever its own dtype.
 * - **decision**: the output depends on a discrete decision (ArgMax, TopK/MaxPool indices,
 *   NonMaxSuppression, NonZero, comparisons, rounding, quantization, a float→integer Cast) taken on
 *   *computed* values (values that depend on weights through arithmetic). Rounding can flip such a
 *   decision (a peak found by `Equal(x, MaxPool(x))` moves one pixel), so these outputs are judged
 *   by the share of elements that agree. Decisions on values that pruning cannot change (an
 *   attention mask from the inputs, a causal buffer sliced from a constant) do not count.
 *
 * Nodes with subgraphs (If/Loop/Scan) are followed through their explicit inputs only.
 */
import { attrInt } from '../ir/attrs.js';
import { constantNodeValue } from '../ir/constants.js';
import { topologicalOrder } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import type { DType, Model, Tensor } from '../ir/types.js';
import { tryDtypeFromOnnx } from '../ir/dtype-codes.js';
import { coarser, isFloatDType, type FloatDType } from './tolerance.js';

export interface OutputKind {
  name: string;
  dtype?: DType;
  /** Coarsest float type on the way (float32 when the output depends on no float at all). */
  precision: FloatDType;
  /** The first discrete decision on computed values that the output depends on. */
  decision?: { node: string; op: string };
}

/** Ops whose outputs (all, or the listed output slots) are discrete decisions about their inputs. */
const DECISIONS: Record<string, readonly number[] | 'all'> = {
  ArgMax: 'all',
  ArgMin: 'all',
  TopK: [1],
  MaxPool: [1],
  NonMaxSuppression: 'all',
  NonZero: 'all',
  Equal: 'all',
  Greater: 'all',
  GreaterOrEqual: 'all',
  Less: 'all',
  LessOrEqual: 'all',
  Round: 'all',
  Floor: 'all',
  Ceil: 'all',
  Sign: 'all',
  IsInf: 'all',
  IsNaN: 'all',
  QuantizeLinear: 'all',
  DynamicQuantizeLinear: 'all',
};

/** Ops that only move or select elements: they pass "computed" on but never make a value computed. */
const MOVES = new Set([
  'Identity',
  'Reshape',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Flatten',
  'Slice',
  'Gather',
  'GatherElements',
  'GatherND',
  'Concat',
  'Split',
  'Expand',
  'Tile',
  'Pad',
  'Cast',
  'CastLike',
  'DepthToSpace',
  'SpaceToDepth',
]);

/** Ops whose outputs depend on shapes only, not on values. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

interface Trace {
  /** Depends on weights through arithmetic (differs between two runs that round differently). */
  computed: boolean;
  /** A float constant of more than one element (a weight), possibly moved. */
  weight: boolean;
  precision?: FloatDType;
  decision?: { node: string; op: string };
}

function constantTrace(t: Tensor): Trace {
  const float = isFloatDType(t.dtype);
  return {
    computed: false,
    weight: float && numel(t.dims) > 1,
    precision: float ? (t.dtype as FloatDType) : undefined,
  };
}

export function outputKinds(model: Model): OutputKind[] {
  const g = model.graph;
  const traces = new Map<string, Trace>();
  for (const [name, t] of g.initializers) traces.set(name, constantTrace(t));
  for (const i of g.inputs)
    if (!traces.has(i.name))
      traces.set(i.name, { computed: false, weight: false, precision: isFloatDType(i.dtype) ? i.dtype : undefined });
  for (const node of topologicalOrder(g)) {
    if (SHAPE_ONLY.has(node.opType)) continue;
    if (node.opType === 'Constant') {
      const t = constantNodeValue(node);
      if (t) traces.set(node.outputs[0], constantTrace(t));
      continue;
    }
    const ins = node.inputs
      .filter((n) => n)
      .map((n) => traces.get(n))
      .filter((t): t is Trace => t !== undefined);
    const anyComputed = ins.some((t) => t.computed);
    const merged: Trace = {
      computed: anyComputed || (!MOVES.has(node.opType) && ins.some((t) => t.weight)),
      weight: MOVES.has(node.opType) && ins.some((t) => t.weight),
      precision: ins.reduce<FloatDType | undefined>((p, t) => coarser(p, t.precision), undefined),
      decision: ins.find((t) => t.decision)?.decision,
    };
    const castTo = node.opType === 'Cast' ? tryDtypeFromOnnx(attrInt(node, 'to')) : undefined;
    if (castTo && isFloatDType(castTo)) merged.precision = coarser(merged.precision, castTo);
    const decides = DECISIONS[node.opType];
    const castsToInteger = castTo !== undefined && !isFloatDType(castTo) && merged.precision !== undefined;
    node.outputs.forEach((out, slot) => {
      if (!out) return;
      const discrete = decides === 'all' || decides?.includes(slot) || castsToInteger;
      // A decision on values that no rounding can change (a causal buffer, an input mask) is the same on both sides.
      if (discrete && !anyComputed)
        traces.set(out, { computed: false, weight: false, precision: merged.precision, decision: merged.decision });
      else if (discrete && !merged.decision)
        traces.set(out, { ...merged, decision: { node: node.name || out, op: node.opType } });
      else traces.set(out, merged);
    });
  }
  return g.outputs.map((o) => {
    const t = traces.get(o.name);
    const precision = coarser(t?.precision, isFloatDType(o.dtype) ? o.dtype : undefined) ?? 'float32';
    return {
      name: o.name,
      ...(o.dtype ? { dtype: o.dtype } : {}),
      precision,
      ...(t?.decision ? { decision: t.decision } : {}),
    };
  });
}
