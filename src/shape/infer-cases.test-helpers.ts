/** Hand-written IR graphs for the shape rule tests (plain data, no builder needed). */
import { fromNumbers } from '../ir/tensor.js';
import {
  AttrType as AT,
  type Attribute,
  type Dim,
  type DType,
  type Model,
  type Node,
  type Tensor,
} from '../ir/types.js';
import { inferShapes } from './infer.js';
import type { InferOptions, ShapeResult } from './types.js';

type Attr = number | number[] | string | { f: number } | { fs: number[] } | { t: Tensor };

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, Attr> = {},
  name?: string,
): Node {
  const attributes: Attribute[] = Object.entries(attrs).map(([k, v]) => {
    if (typeof v === 'number') return { name: k, type: AT.INT, i: v };
    if (typeof v === 'string') return { name: k, type: AT.STRING, s: new TextEncoder().encode(v) };
    if (Array.isArray(v)) return { name: k, type: AT.INTS, ints: v };
    if ('f' in v) return { name: k, type: AT.FLOAT, f: v.f };
    if ('fs' in v) return { name: k, type: AT.FLOATS, floats: v.fs };
    return { name: k, type: AT.TENSOR, t: v.t };
  });
  return { name: name ?? `${opType}_${outputs[0]}`, opType, domain: '', inputs, outputs, attributes };
}

export const i64 = (values: number[], dims = [values.length]): Tensor => fromNumbers('int64', dims, values);
export const f32 = (dims: number[], fill = 0): Tensor =>
  fromNumbers('float32', dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(fill));

export interface GraphSpec {
  inputs: Record<string, Dim[] | [DType, Dim[]]>;
  nodes: Node[];
  inits?: Record<string, Tensor>;
  outputs?: string[];
  opset?: number;
}

export function model(spec: GraphSpec): Model {
  return {
    graph: {
      name: 'test',
      nodes: spec.nodes,
      inputs: Object.entries(spec.inputs).map(([name, s]) => {
        const [dtype, shape] =
          Array.isArray(s) &&
          typeof s[0] === 'string' &&
          ['float32', 'int64', 'bool', 'int32', 'uint8'].includes(s[0] as string) &&
          Array.isArray(s[1])
            ? (s as [DType, Dim[]])
            : (['float32', s as Dim[]] as [DType, Dim[]]);
        return { name, dtype, shape };
      }),
      outputs: (spec.outputs ?? []).map((name) => ({ name })),
      initializers: new Map(Object.entries(spec.inits ?? {})),
      valueInfo: [],
    },
    irVersion: 8,
    opsetImports: [{ domain: '', version: spec.opset ?? 17 }],
    producerName: 'test',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: [],
  };
}

/** Infers and returns a lookup of output shapes by value name. */
export function infer(
  spec: GraphSpec,
  options?: InferOptions,
): ShapeResult & { shape(name: string): Dim[] | undefined } {
  const r = inferShapes(model(spec), options);
  return { ...r, shape: (name: string) => r.values.get(name)?.shape };
}
