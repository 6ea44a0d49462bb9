/** Reads an ONNX ModelProto (file or bytes) into the graph IR. */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { onnx } from './proto.js';
import { PruneguardError, isPruneguardError } from '../errors.js';
import type { Dim, Graph, Model, Node, Tensor, ValueInfo } from '../ir/types.js';
import { tryDtypeFromOnnx } from './dtype.js';
import { externalDataReader } from './external-data.js';
import { toNum, type LongLike } from './long.js';
import { decodeTensor, type ExternalDataReader } from './tensor-codec.js';

export interface LoadOptions {
  /** Folder that external data locations are relative to (defaults to the model file's folder). */
  baseDir?: string;
  /** Name used in error messages. */
  source?: string;
}

export function loadModelFile(path: string, options: LoadOptions = {}): Model {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    bytes = readFileSync(path);
  } catch (e) {
    throw new PruneguardError('E_FILE_NOT_FOUND', `${path}: cannot read model (${(e as Error).message})`);
  }
  return loadModel(bytes, { baseDir: dirname(path), source: path, ...options });
}

export function loadModel(bytes: Uint8Array, options: LoadOptions = {}): Model {
  const source = options.source ?? '<bytes>';
  let proto: onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (${(e as Error).message})`);
  }
  if (!proto.graph) throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no graph)`);
  if (!proto.opsetImport || proto.opsetImport.length === 0) {
    throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no opset_import)`);
  }
  const reader = options.baseDir ? externalDataReader(options.baseDir) : undefined;
  try {
    return fromProto(proto, reader);
  } catch (e) {
    if (isPruneguardError(e)) {
      throw new PruneguardError(e.code, `${source}: ${e.message}`, { cause: e });
    }
    throw new PruneguardError('E_CORRUPT_MODEL', `${source}: corrupt model (${(e as Error).message})`, { cause: e });
  }
}

function fromProto(proto: onnx.ModelProto, reader: ExternalDataReader | undefined): Model {
  return {
    graph: graphFromProto(proto.graph!, reader),
    irVersion: toNum(proto.irVersion as LongLike),
    opsetImports: proto.opsetImport.map((o) => ({ domain: o.domain ?? '', version: toNum(o.version as LongLike) })),
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    domain: proto.domain ?? '',
    modelVersion: toNum(proto.modelVersion as LongLike),
    docString: proto.docString ?? '',
    metadata: (proto.metadataProps ?? []).map((m) => ({ key: m.key ?? '', value: m.value ?? '' })),
    extra: { functions: proto.functions, trainingInfo: proto.trainingInfo },
  };
}

function graphFromProto(g: onnx.IGraphProto, reader: ExternalDataReader | undefined): Graph {
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', decodeTensor(t, reader));
  const nodes: Node[] = (g.node ?? []).map((n) => ({
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes: [...(n.attribute ?? [])],
    ...(n.docString ? { docString: n.docString } : {}),
  }));
  return {
    name: g.name ?? '',
    nodes,
    inputs: (g.input ?? []).map(valueInfoFromProto),
    outputs: (g.output ?? []).map(valueInfoFromProto),
    initializers,
    valueInfo: (g.valueInfo ?? []).map(valueInfoFromProto),
    ...(g.docString ? { docString: g.docString } : {}),
    extra: { sparseInitializer: g.sparseInitializer, quantizationAnnotation: g.quantizationAnnotation },
  };
}

function valueInfoFromProto(v: onnx.IValueInfoProto): ValueInfo {
  const info: ValueInfo = { name: v.name ?? '' };
  if (v.docString) info.docString = v.docString;
  const tt = v.type?.tensorType;
  if (!tt) {
    if (v.type) info.rawType = v.type;
    return info;
  }
  const dtype = tryDtypeFromOnnx(tt.elemType);
  if (dtype) info.dtype = dtype;
  if (tt.shape) {
    info.shape = (tt.shape.dim ?? []).map((d): Dim => {
      if (d.dimValue !== null && d.dimValue !== undefined && (d as { value?: string }).value === 'dimValue') return toNum(d.dimValue as LongLike);
      if (d.dimParam) return d.dimParam;
      return null;
    });
  }
  return info;
}
