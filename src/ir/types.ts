/**
 * The graph IR: a plain-data view of an ONNX model that the harness reads and rewrites. It
 * knows no protobuf: `src/onnx` converts at the boundary. What the IR does not model (newer
 * schema fields, subgraphs, sparse tensors, functions) is kept as `Opaque` encoded fields and
 * written back as it came, so a round trip loses nothing.
 */

/**
 * Encoded fields of a message that the IR does not model, exactly as read (tag and payload),
 * written back unchanged. Only `src/onnx` reads inside them.
 */
export type Opaque = Uint8Array;

/** An ONNX tensor element type by name. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string';

/** Element storage per dtype. float16/bfloat16 keep their raw bits in a Uint16Array. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A tensor: dtype, dims and its data. */
export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** A dimension: a concrete size, a symbolic name ("batch"), or unknown (null). */
export type Dim = number | string | null;

/** A named value's declared dtype and shape. */
export interface ValueInfo {
  name: string;
  dtype?: DType;
  /** undefined = rank unknown. */
  shape?: Dim[];
  docString?: string;
  /**
   * The encoded TypeProto when it says more than dtype and shape (sequence, map, optional,
   * denotations): saved as is while dtype and shape still match it.
   */
  rawType?: Opaque;
  /** Unmodeled ValueInfoProto fields (metadata_props...). */
  extra?: Opaque;
}

/** ONNX AttributeProto.AttributeType codes. */
export const AttrType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/**
 * A node attribute. int64 values are numbers when safe integers, bigints otherwise (never
 * rounded). Graphs, sparse tensors, type protos, ref_attr_name and doc_string stay in `extra`.
 */
export interface Attribute {
  name: string;
  /** An `AttrType` code (0 when the file does not say). */
  type: number;
  f?: number;
  i?: number | bigint;
  s?: Uint8Array;
  t?: Tensor;
  floats?: number[];
  ints?: (number | bigint)[];
  strings?: Uint8Array[];
  tensors?: Tensor[];
  extra?: Opaque;
}

/** One graph node: op type, domain, inputs, outputs and attributes. */
export interface Node {
  name: string;
  opType: string;
  /** '' is the default ONNX domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Attribute[];
  docString?: string;
  /** Unmodeled NodeProto fields (overload, metadata_props, device_configurations...). */
  extra?: Opaque;
  /**
   * Graph-valued attributes (If's then_branch/else_branch, Loop's and Scan's body), by attribute
   * name, decoded into the IR so they are analysed and rewritten like the main graph; the
   * attribute itself stays in `attributes` (in place, without its graph). A subgraph may read any
   * name of an enclosing scope (see `scopes.ts`): those reads are uses too.
   */
  subgraphs?: Record<string, Graph>;
}

/** A graph: nodes in order, initializers, inputs, outputs and value infos. */
export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  valueInfo: ValueInfo[];
  docString?: string;
  /**
   * Initializers also listed as graph inputs (IR < 4, PyTorch's `keep_initializers_as_inputs`) that
   * the user feeds at run time. Every other initializer listed as an input is a weight (its stored
   * value is what runs). Not saved: it is what the user said, not part of the file.
   */
  runtimeInputs?: ReadonlySet<string>;
  /**
   * Graph fields the IR does not model (sparse initializers, quantization annotations, metadata_props): saved as is.
   */
  extra?: Opaque;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

/** A decoded ONNX model: graph, IR version, opsets and metadata; what pruneguard reads, prunes and writes. */
export interface Model {
  graph: Graph;
  irVersion: number;
  opsetImports: OpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  metadata: { key: string; value: string }[];
  /** Model fields the IR does not model (functions, training info, device configurations): saved as is. */
  extra?: Opaque;
}

/** The default-domain opset version of a model (what op semantics to apply). */
export function defaultOpset(model: Pick<Model, 'opsetImports'>): number {
  const entry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry?.version ?? 1;
}
