/**
 * The graph IR: a plain-data view of an ONNX model that the harness reads and
 * rewrites. Attributes stay as ONNX AttributeProtos (read through `attrs.ts`)
 * so that saving never loses an attribute the harness does not understand.
 */
import type { onnx } from '../onnx/proto.js';

export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string';

/** Element storage per dtype. float16/bfloat16 keep their raw bits in a Uint16Array. */
export type TensorData =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | string[];

export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** A dimension: a concrete size, a symbolic name ("batch"), or unknown (null). */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  dtype?: DType;
  /** undefined = rank unknown. */
  shape?: Dim[];
  docString?: string;
  /** The original proto when the type is not a tensor (sequence, map...): saved as is. */
  rawType?: onnx.ITypeProto;
}

export interface Node {
  name: string;
  opType: string;
  /** '' is the default ONNX domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: onnx.IAttributeProto[];
  docString?: string;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  valueInfo: ValueInfo[];
  docString?: string;
  /** Graph fields the IR does not model (sparse initializers, quantization annotations): saved as is. */
  extra: Pick<onnx.IGraphProto, 'sparseInitializer' | 'quantizationAnnotation'>;
}

export interface OpsetImport {
  domain: string;
  version: number;
}

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
  /** Model fields the IR does not model (functions, training info): saved as is. */
  extra: Pick<onnx.IModelProto, 'functions' | 'trainingInfo'>;
}

/** The default-domain opset version of a model (what op semantics to apply). */
export function defaultOpset(model: Pick<Model, 'opsetImports'>): number {
  const entry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry?.version ?? 1;
}
