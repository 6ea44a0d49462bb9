/**
 * What each value of a graph depends on, for judging outputs (`output-kinds.ts`): whether it is
 * computed from weights, the coarsest float type on its way, and the first discrete decision taken
 * on computed values. Subgraphs are followed: an `If` output is either branch's output, and when
 * the branch taken is itself decided on computed values, that decision is the output's too; a
 * `Loop`/`Scan` passes its carried values and scan inputs into the body and the body's outputs out
 * (twice, so what one iteration decides reaches the next), and a trip count or loop condition
 * decided on computed values is a decision of every output.
 */
import { attrInt } from '../ir/attrs.js';
import { constantNodeValue } from '../ir/constants.js';
import { topologicalOrder } from '../ir/graph-index.js';
import { numel } from '../ir/tensor.js';
import type { Graph, Node, Tensor } from '../ir/types.js';
import { tryDtypeFromOnnx } from '../ir/dtype-codes.js';
import { coarser, isFloatDType, type FloatDType } from './tolerance.js';

export interface Trace {
  /** Depends on weights through arithmetic (differs between two runs that round differently). */
  computed: boolean;
  /** A float constant of more than one element (a weight), possibly moved. */
  weight: boolean;
  precision?: FloatDType;
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

export function constantTrace(t: Tensor): Trace {
  const float = isFloatDType(t.dtype);
  return {
    computed: false,
    weight: float && numel(t.dims) > 1,
    precision: float ? (t.dtype as FloatDType) : undefined,
  };
}

/** What either of two values depends on (one of them flows on, which one is decided at run time). */
export function mergeTraces(a: Trace | undefined, b: Trace | undefined): Trace | undefined {
  if (!a || !b) return a ?? b;
  return {
    computed: a.computed || b.computed,
    weight: a.weight && b.weight,
    precision: coarser(a.precision, b.precision),
    decision: a.decision ?? b.decision,
  };
}

/** `t` when the choice that produced it (a branch, a trip count) is decided by `by`. */
function decidedBy(t: Trace | undefined, by: Trace | undefined): Trace | undefined {
  if (!t || !by?.decision || t.decision) return t;
  return { ...t, computed: t.computed || by.computed, decision: by.decision };
}

/** Traces every value of `g` into `traces` (which holds the traces of the scopes around it). */
export function traceGraph(g: Graph, traces: Map<string, Trace>): void {
  for (const [name, t] of g.initializers) traces.set(name, constantTrace(t));
  for (const node of topologicalOrder(g)) {
    if (SHAPE_ONLY.has(node.opType)) continue;
    if (node.opType === 'Constant') {
      const t = constantNodeValue(node);
      if (t) traces.set(node.outputs[0], constantTrace(t));
      continue;
    }
    if (node.subgraphs) traceControlFlow(node, traces);
    else traceNode(node, traces);
  }
}

function traceNode(node: Node, traces: Map<string, Trace>): void {
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

/** Runs subgraph `g` with its formal inputs traced as `formal`, in the scope of `outer`; its outputs' traces. */
function traceBody(g: Graph, outer: Map<string, Trace>, formal: (Trace | undefined)[]): (Trace | undefined)[] {
  const scope = new Map(outer);
  g.inputs.forEach((input, i) => {
    const t = formal[i];
    if (t) scope.set(input.name, t);
    else scope.set(input.name, { computed: false, weight: false });
  });
  traceGraph(g, scope);
  return g.outputs.map((o) => scope.get(o.name));
}

function traceControlFlow(node: Node, traces: Map<string, Trace>): void {
  const input = (i: number) => (node.inputs[i] ? traces.get(node.inputs[i]) : undefined);
  const subs = node.subgraphs!;
  let outs: (Trace | undefined)[];
  if (node.opType === 'If' && subs.then_branch && subs.else_branch) {
    const then = traceBody(subs.then_branch, traces, []);
    const other = traceBody(subs.else_branch, traces, []);
    outs = node.outputs.map((_, k) => decidedBy(mergeTraces(then[k], other[k]), input(0)));
  } else if ((node.opType === 'Loop' || node.opType === 'Scan') && subs.body) {
    const loop = node.opType === 'Loop';
    // Loop: trip count, condition, carried values; Scan: states then scan inputs (each slice as its input).
    const first = loop ? 2 : 0;
    const carried = loop ? node.inputs.length - 2 : node.inputs.length - (attrInt(node, 'num_scan_inputs') ?? 0);
    const initial = node.inputs.slice(first).map((_, i) => input(first + i));
    const counters = loop ? [undefined, input(1)] : [];
    let body = traceBody(subs.body, traces, [...counters, ...initial]);
    const offset = loop ? 1 : 0; // a Loop body's first output is its condition
    const merged = () => initial.map((t, i) => (i < carried ? mergeTraces(t, body[offset + i]) : t));
    body = traceBody(subs.body, traces, [...counters, ...merged()]);
    const stops = loop ? mergeTraces(mergeTraces(input(0), input(1)), body[0]) : undefined;
    const finals = merged().slice(0, carried);
    outs = [...finals, ...body.slice(offset + carried)].map((t) => decidedBy(t, stops));
  } else {
    // A node with subgraphs of another kind: its outputs depend on all its inputs.
    traceNode({ ...node, subgraphs: undefined }, traces);
    return;
  }
  node.outputs.forEach((out, k) => {
    const t = outs[k];
    if (out && t) traces.set(out, t);
  });
}
