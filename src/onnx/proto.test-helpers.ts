/**
 * onnx-proto (protobufjs, ONNX 1.10 schema) as an independent encoder/decoder for tests: hand-
 * written protos are built with it and the loader's output is compared through it, so the
 * tests do not check pruneguard's codec against itself. A devDependency: pruneguard's own
 * codec is `decode.ts`/`encode.ts`.
 *
 * onnx-proto is CommonJS and assigns `onnx` in a way Node's CJS export detection cannot see, so
 * `import { onnx } from 'onnx-proto'` fails at run time under Node (it only type-checks).
 */
import onnxProto from 'onnx-proto';

export import onnx = onnxProto.onnx;
