/** Hand-written ModelProtos for loader tests: exactly the bytes an exporter could write. */
import { onnx } from './proto.test-helpers.js';

export const DT = onnx.TensorProto.DataType;

/** A model whose single output is Identity(initializer `w`), so onnxruntime reads `w` exactly as stored. */
export function identityModelProto(
  w: onnx.ITensorProto,
  opset = 17,
  elemType = w.dataType ?? DT.FLOAT,
): onnx.IModelProto {
  return {
    irVersion: opset >= 21 ? 10 : 8,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'hand',
    graph: {
      name: 'g',
      node: [{ name: 'id', opType: 'Identity', input: ['w'], output: ['y'] }],
      initializer: [{ name: 'w', ...w }],
      output: [{ name: 'y', type: { tensorType: { elemType } } }],
    },
  };
}

export function encode(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
