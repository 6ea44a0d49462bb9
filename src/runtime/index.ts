/** onnxruntime-node execution: sessions, runs, inputs, comparisons. */
export {
  createSession,
  releaseSession,
  writeSessionFile,
  type ModelFile,
  type Session,
  type SessionFile,
  type SessionOptions,
} from './session.js';
export { run, type Feeds, type Outputs } from './run.js';
export { randomInputs, feedableInputs, type RandomInputOptions } from './random-inputs.js';
export {
  compareTensors,
  compareOutputs,
  type Tolerance,
  type TensorComparison,
  type OutputsComparison,
} from './compare.js';
export { exposeIntermediates } from './intermediates.js';
export { toOrt, fromOrt } from './ort-tensor.js';
