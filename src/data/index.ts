/** Evaluation data: NumPy files, the JSON form, streams, validation and batched evaluation. */
export { readNpy, writeNpy, parseNpyHeader, type NpyHeader } from './npy.js';
export { readNpz, writeNpz, readArraysFile } from './npz.js';
export { evalSetFromArrays, type EvalSet, type ClassifyOptions } from './eval-set.js';
export { evalSetFromJson } from './json.js';
export { loadEvalSet } from './load.js';
export { bindEvalSet, checkEvalSet, formatIssues, type DataIssue } from './validate.js';
export {
  evaluate,
  predictionsOf,
  type EvalResult,
  type EvalData,
  type EvalTarget,
  type EvaluateOptions,
  type StreamBatch,
} from './evaluate.js';
