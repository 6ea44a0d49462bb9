/**
 * The onnx-proto namespace, usable from native ESM. onnx-proto is CommonJS and
 * assigns `onnx` in a way Node's CJS export detection cannot see, so
 * `import { onnx } from 'onnx-proto'` fails at run time under Node (it only
 * type-checks). Import `onnx` from here instead: it is both the value and the types.
 */
import onnxProto from 'onnx-proto';

export import onnx = onnxProto.onnx;
