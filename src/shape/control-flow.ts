/**
 * Shapes through control flow: an `If` output merges its branches' outputs; a `Loop` carries its
 * values through the body (merged with their initial types) and stacks its scan outputs along a
 * new first axis of the trip count; a `Scan` (opset >= 9) slices its scan inputs along their axes
 * and stacks its scan outputs along `scan_output_axes`. Subgraphs are inferred in the scope of the
 * node, so they read every outer value's type and known contents.
 */
import { attrInt, attrInts } from '../ir/attrs.js';
import type { Dim } from '../ir/types.js';
import { unknown, type OpContext } from './context.js';
import type { ValueType } from './types.js';

/** Infers subgraph `attr` of the current node with these formal input types; undefined when absent. */
export type ScopeInfer = (attr: string, formal: (ValueType | undefined)[]) => ValueType[] | undefined;

export type ControlFlowRule = (ctx: OpContext, scope: ScopeInfer) => ValueType[];

/** The type both of two values can have: equal dims kept, different ones unknown (null). */
export function mergeTypes(a: ValueType | undefined, b: ValueType | undefined, what: string): ValueType {
  const dtype = a?.dtype ?? b?.dtype;
  if (!a?.shape || !b?.shape) return unknown(a?.unknownReason ?? b?.unknownReason ?? `${what}: shape unknown`, dtype);
  if (a.shape.length !== b.shape.length) return unknown(`${what}: rank ${a.shape.length} vs ${b.shape.length}`, dtype);
  const shape: Dim[] = a.shape.map((d, i) => (d === b.shape![i] ? d : null));
  return dtype ? { dtype, shape } : { shape };
}

/** The branch an `If`'s condition selects when it is known statically (a constant, or folded from shapes). */
export function ifBranchTaken(ctx: OpContext): 'then_branch' | 'else_branch' | undefined {
  const cond = ctx.ints(0);
  if (cond?.length !== 1) return undefined;
  return cond[0] ? 'then_branch' : 'else_branch';
}

const If: ControlFlowRule = (ctx, scope) => {
  const then = scope('then_branch', []);
  const other = scope('else_branch', []);
  if (!then || !other) return ctx.node.outputs.map(() => unknown(`If ${ctx.label} lacks a branch`));
  // A condition known statically selects its branch: that branch's types are exact.
  const taken = ifBranchTaken(ctx);
  if (taken)
    return ctx.node.outputs.map(
      (_, k) => (taken === 'then_branch' ? then[k] : other[k]) ?? unknown(`If ${ctx.label}: branch has no output ${k}`),
    );
  return ctx.node.outputs.map((_, k) =>
    mergeTypes(then[k], other[k], `If ${ctx.label} branches disagree on output ${k}`),
  );
};

const Loop: ControlFlowRule = (ctx, scope) => {
  const n = ctx.node.inputs.length - 2;
  const initial = Array.from({ length: n }, (_, i) => ctx.type(i + 2));
  const counters: ValueType[] = [
    { dtype: 'int64', shape: [] },
    { dtype: 'bool', shape: [] },
  ];
  let carried: (ValueType | undefined)[] = initial;
  let body = scope('body', [...counters, ...carried]);
  if (!body) return ctx.node.outputs.map(() => unknown(`Loop ${ctx.label} has no body`));
  // A carried value whose type changes in the body is re-inferred once from the merged type.
  const merged = carried.map((t, i) =>
    mergeTypes(t, body![i + 1], `Loop ${ctx.label} carried value ${i} changes in the body`),
  );
  if (merged.some((m, i) => JSON.stringify(m.shape) !== JSON.stringify(carried[i]?.shape))) {
    carried = merged;
    body = scope('body', [...counters, ...carried]) ?? body;
  }
  const finals = carried.map((t, i) =>
    mergeTypes(t, body![i + 1], `Loop ${ctx.label} carried value ${i} changes in the body`),
  );
  const trip = ctx.ints(0);
  // The trip count is known only when it is a constant and no condition can stop the loop early.
  const length: Dim = trip && trip.length === 1 && !ctx.has(1) ? trip[0] : null;
  const scans = body.slice(1 + n).map((t): ValueType => (t.shape ? { ...t, shape: [length, ...t.shape] } : t));
  return [...finals, ...scans];
};

const Scan: ControlFlowRule = (ctx, scope) => {
  if (ctx.opset < 9) return ctx.node.outputs.map(() => unknown(`Scan-${ctx.opset} (batched form) is not inferred`));
  const m = attrInt(ctx.node, 'num_scan_inputs') ?? 0;
  const n = ctx.node.inputs.length - m;
  const inAxes = attrInts(ctx.node, 'scan_input_axes') ?? [];
  const states = Array.from({ length: n }, (_, i) => ctx.type(i));
  let length: Dim = null;
  const slices = Array.from({ length: m }, (_, j): ValueType | undefined => {
    const t = ctx.type(n + j);
    if (!t?.shape) return t;
    const axis = norm(inAxes[j] ?? 0, t.shape.length);
    if (j === 0) length = t.shape[axis];
    return { ...t, shape: t.shape.filter((_, a) => a !== axis) };
  });
  const body = scope('body', [...states, ...slices]);
  if (!body) return ctx.node.outputs.map(() => unknown(`Scan ${ctx.label} has no body`));
  const outAxes = attrInts(ctx.node, 'scan_output_axes') ?? [];
  const finals = states.map((t, i) => mergeTypes(t, body[i], `Scan ${ctx.label} state ${i} changes in the body`));
  const scans = body.slice(n).map((t, k): ValueType => {
    if (!t.shape) return t;
    const shape = [...t.shape];
    shape.splice(norm(outAxes[k] ?? 0, shape.length + 1), 0, length);
    return { ...t, shape };
  });
  return [...finals, ...scans];
};

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** Control-flow ops of the default domain, by op type. */
export const CONTROL_FLOW: Record<string, ControlFlowRule> = { If, Loop, Scan };
