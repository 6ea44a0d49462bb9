/**
 * What an op rule sees of the graph while inferring one node: input types, the
 * known contents of small integer tensors (possibly symbolic), and sinks for
 * problems, broadcast signatures and folded outputs.
 */
import type { Dim, DType, Node, Tensor } from '../ir/types.js';
import type { BroadcastSignature, SymbolicValue, ValueType } from './types.js';

export interface OpContext {
  readonly node: Node;
  /** Default-domain opset of the model. */
  readonly opset: number;
  /** Name used in problems and signatures (node name, or its first output). */
  readonly label: string;
  /** True when input `i` is given (present and not the empty name). */
  has(i: number): boolean;
  type(i: number): ValueType | undefined;
  shape(i: number): Dim[] | undefined;
  dtype(i: number): DType | undefined;
  /** Known contents of input `i` (constant or folded), entries possibly symbolic. */
  value(i: number): SymbolicValue | undefined;
  /** Contents of input `i` when all entries are concrete numbers. */
  ints(i: number): number[] | undefined;
  /** The constant tensor behind input `i` (initializer, Constant, or folded). */
  tensor(i: number): Tensor | undefined;
  problem(rule: string, message: string): void;
  broadcast(signature: Omit<BroadcastSignature, 'node' | 'op'>): void;
  /** Publishes output `i` as a constant tensor. */
  setTensor(i: number, t: Tensor): void;
  /** Publishes the known contents of output `i`. */
  setValue(i: number, value: SymbolicValue): void;
}

/** A shape rule: the types of the node's outputs, in order. Never throws for a bad model. */
export type OpRule = (ctx: OpContext) => ValueType[];

export function unknown(reason: string, dtype?: DType): ValueType {
  return dtype ? { dtype, unknownReason: reason } : { unknownReason: reason };
}

/** Why an input's shape is missing, for use as an output's unknownReason. */
export function missingReason(ctx: OpContext, i: number): string {
  const name = ctx.node.inputs[i];
  if (!ctx.has(i)) return `input ${i} of ${ctx.node.opType} is missing`;
  const t = ctx.type(i);
  // Name the root cause, not the whole chain: downstream of an unknown op every value would
  // otherwise repeat the reasons of all its ancestors.
  return `input ${name} has unknown shape${t?.unknownReason ? ` (${rootCause(t.unknownReason)})` : ''}`;
}

function rootCause(reason: string): string {
  const nested = /^input \S+ has unknown shape \((.*)\)$/.exec(reason);
  return nested ? nested[1] : reason;
}

/** Normalizes a possibly negative axis; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
