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

/** Where a node broadcasts: which input stretches on which axis. */
export interface BroadcastSignature {
  node: string;
  op: string;
  /**
   * 'multidirectional': every input may stretch (Add, Where, Equal...);
   * 'unidirectional': only inputs after the first stretch to the first's shape (PRelu slope, Gemm C).
   */
  mode: 'multidirectional' | 'unidirectional';
  inputs: { name: string; shape: Dim[] }[];
  output: Dim[];
  axes: BroadcastAxis[];
  /**
   * Axes that cannot be classified statically, e.g. symbolic "batch" against "seq"
   * (output dim unknown) or "seq" against 8 (stretched only if seq is 1 at run time).
   * Not a stretch and not a problem; kept so a signature diff can mention it.
   */
  notes?: string[];
}

/** A problem met while inferring: data, never thrown. */
export interface ShapeProblem {
  node: string;
  op: string;
  rule: string;
  message: string;
  inputShapes: (Dim[] | undefined)[];
}

/**
 * An `If` met while inferring, in the labels problems use: `scope` is the path of the subgraph
 * holding it ('' for the main graph, else `OUTER > then_branch > ` and so on), `node` its label.
 */
export interface BranchPoint {
  scope: string;
  node: string;
  /** Its branch attributes (then_branch, else_branch). */
  branches: string[];
  /** The branch a statically known condition selects; undefined when the condition is computed at run time. */
  taken?: string;
}

/** Inferred dtypes and shapes of every value, broadcasts, and what could not be inferred and why. */
export interface ShapeResult {
  values: Map<string, ValueType>;
  broadcasts: BroadcastSignature[];
  problems: ShapeProblem[];
  /** Values whose contents are known statically (initializers, Constants, folded shape subgraphs). */
  constants: Map<string, Tensor>;
  /** Every `If` of every scope, with the branch its condition selects where that is known statically. */
  branchPoints: BranchPoint[];
}

/** Concrete sizes for the graph inputs' symbolic dims (by input name). */
export interface InferOptions {
  /** Fix graph input shapes (concrete dims replace symbolic ones). */
  inputShapes?: Record<string, readonly number[]>;
}

/**
 * The contents of a small integer-like tensor whose entries may be symbolic: the
 * "shape vector" that Shape/Gather/Concat subgraphs compute (e.g. [batch, "seq", 4, -1]).
 * Concrete ones are also published as tensors in `ShapeResult.constants`.
 */
export interface SymbolicValue {
  dtype: DType;
  dims: number[];
  values: Dim[];
}
