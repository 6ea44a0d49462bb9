/** Writes the graph IR back to ONNX bytes, keeping everything the harness did not change. */
import { writeFileAtomic } from '../fs/write-atomic.js';
import { onnx } from './proto.js';
import type { Graph, Model, ValueInfo } from '../ir/types.js';
import { dtypeToOnnx } from './dtype.js';
import { encodeTensor } from './tensor-codec.js';

export function modelToProto(model: Model): onnx.ModelProto {
  return onnx.ModelProto.create({
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => (o.domain ? { domain: o.domain, version: o.version } : { version: o.version })),
    // Empty fields stay absent (as exporters leave them) so a round trip does not grow the proto.
    ...(model.producerName ? { producerName: model.producerName } : {}),
    ...(model.producerVersion ? { producerVersion: model.producerVersion } : {}),
    ...(model.domain ? { domain: model.domain } : {}),
    ...(model.modelVersion ? { modelVersion: model.modelVersion } : {}),
    ...(model.docString ? { docString: model.docString } : {}),
    metadataProps: model.metadata.map((m) => ({ key: m.key, value: m.value })),
    graph: graphToProto(model.graph),
    ...(model.extra.functions ? { functions: model.extra.functions } : {}),
    ...(model.extra.trainingInfo ? { trainingInfo: model.extra.trainingInfo } : {}),
  });
}

export function saveModel(model: Model): Uint8Array {
  const bytes = onnx.ModelProto.encode(modelToProto(model)).finish();
  // Under Node protobufjs returns a Buffer, whose slice() is a view, not a copy: callers
  // that copy-then-edit would damage the original. Hand out a plain Uint8Array view.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes atomically (src/fs/write-atomic.ts). `replace` (default true: the caller named the path)
 * lets it replace an existing regular file; commands decide it with checkOutput.
 */
export function saveModelFile(model: Model, path: string, o: { replace?: boolean } = {}): void {
  writeFileAtomic(path, saveModel(model), { replace: o.replace ?? true, what: 'model' });
}

function graphToProto(g: Graph): onnx.IGraphProto {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      ...(n.domain ? { domain: n.domain } : {}),
      input: n.inputs,
      output: n.outputs,
      attribute: n.attributes,
      ...(n.docString ? { docString: n.docString } : {}),
    })),
    initializer: [...g.initializers].map(([name, t]) => encodeTensor(t, name)),
    input: g.inputs.map(valueInfoToProto),
    output: g.outputs.map(valueInfoToProto),
    valueInfo: g.valueInfo.map(valueInfoToProto),
    ...(g.docString ? { docString: g.docString } : {}),
    ...(g.extra.sparseInitializer ? { sparseInitializer: g.extra.sparseInitializer } : {}),
    ...(g.extra.quantizationAnnotation ? { quantizationAnnotation: g.extra.quantizationAnnotation } : {}),
  };
}

export function valueInfoToProto(v: ValueInfo): onnx.IValueInfoProto {
  const proto: onnx.IValueInfoProto = { name: v.name };
  if (v.docString) proto.docString = v.docString;
  if (v.rawType) {
    proto.type = v.rawType;
  } else if (v.dtype) {
    proto.type = {
      tensorType: {
        elemType: dtypeToOnnx(v.dtype),
        ...(v.shape
          ? { shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) } }
          : {}),
      },
    };
  }
  return proto;
}
