/**
 * The contract of static shape inference (implemented in `infer.ts`).
 * Symbolic dims are strings ("batch", "seq", or derived like "seq*2"); null is unknown.
 */
import type { Dim, DType, Tensor } from '../ir/types.js';

export interface ValueType {
  dtype?: DType;
  /** undefined: rank unknown. */
  shape?: Dim[];
  /** Why the shape (or part of it) is unknown: the op is not known, an input is unknown... */
  unknownReason?: string;
}

/** One stretched axis of a multidirectional broadcast, in output-axis coordinates. */
export interface BroadcastAxis {
  /** Index of the op input that is stretched. */
  input: number;
  /** Output axis that is stretched. */
  axis: number;
  /** 'stretched': the input has size 1 there against N > 1 (or symbolic); 'missing': the input has fewer axes. */
  kind: 'stretched' | 'missing';
}

export interface BroadcastSignature {
  node: string;
  op: string;
  inputs: { name: string; shape: Dim[] }[];
  output: Dim[];
  axes: BroadcastAxis[];
}

/** A problem met while inferring: data, never thrown. */
export interface ShapeProblem {
  node: string;
  op: string;
  rule: string;
  message: string;
  inputShapes: (Dim[] | undefined)[];
}

export interface ShapeResult {
  values: Map<string, ValueType>;
  broadcasts: BroadcastSignature[];
  problems: ShapeProblem[];
  /** Values whose contents are known statically (initializers, Constants, folded shape subgraphs). */
  constants: Map<string, Tensor>;
}

export interface InferOptions {
  /** Fix graph input shapes (concrete dims replace symbolic ones). */
  inputShapes?: Record<string, readonly number[]>;
}
