/** Reads an ONNX ModelProto (file or bytes) into the graph IR. */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PruneguardError, isPruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { topologicalOrder } from '../ir/graph-index.js';
import { decodeModel } from './decode.js';
import { externalDataResolver } from './external-data.js';
import { Reader, WireError } from './wire/reader.js';

/**
 * How a model file is read: the folder external data is resolved in, the name used in errors, and initializers fed at
 * run time.
 */
export interface LoadOptions {
  /** Folder that external data locations are relative to (defaults to the model file's folder). */
  baseDir?: string;
  /** Name used in error messages. */
  source?: string;
  /**
   * Initializers listed as graph inputs (old IR) that are fed at run time: not weights. Each must
   * name an initializer that is also a graph input of the main graph.
   */
  runtimeInputs?: readonly string[];
}

/**
 * Loads a model file. Tensors view the file's bytes (read once) or stay in their external-data
 * files until used: loading copies no weights.
 */
export function loadModelFile(path: string, options: LoadOptions = {}): Model {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    bytes = readFileSync(path);
  } catch (e) {
    throw new PruneguardError('E_FILE_NOT_FOUND', `${path}: cannot read model (${(e as Error).message})`);
  }
  return decode(bytes, { baseDir: dirname(path), source: path, ...options }, true);
}

/**
 * Loads a model from bytes. A tensor's `data` is a copy (never aliasing `bytes`), but saving a
 * tensor that was never read writes it from `bytes`: leave them unchanged while the model is in use.
 */
export function loadModel(bytes: Uint8Array, options: LoadOptions = {}): Model {
  return decode(bytes, options, false);
}

function decode(bytes: Uint8Array, options: LoadOptions, ownBytes: boolean): Model {
  const source = options.source ?? '<bytes>';
  const external = options.baseDir ? externalDataResolver(options.baseDir) : undefined;
  let model;
  try {
    model = decodeModel(new Reader(bytes), { external, ownBytes });
  } catch (e) {
    if (e instanceof WireError || e instanceof RangeError)
      throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (${(e as Error).message})`);
    if (isPruneguardError(e)) throw new PruneguardError(e.code, `${source}: ${e.message}`, { cause: e });
    throw new PruneguardError('E_CORRUPT_MODEL', `${source}: corrupt model (${(e as Error).message})`, { cause: e });
  }
  const { hasGraph, ...rest } = model;
  if (!hasGraph) throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no graph)`);
  if (rest.opsetImports.length === 0)
    throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no opset_import)`);
  if (options.runtimeInputs?.length) markRuntimeInputs(rest, options.runtimeInputs, source);
  // A cycle no execution order can run is the file's fault: say so here, naming the file, rather
  // than later from whichever analysis first sorts the graph (a self-loop is left to `inspect`,
  // which reports it as a problem).
  try {
    topologicalOrder(rest.graph);
  } catch (e) {
    if (isPruneguardError(e)) throw new PruneguardError(e.code, `${source}: ${e.message}`, { cause: e });
    throw e;
  }
  return rest;
}

/**
 * Records that these initializers-listed-as-inputs are fed at run time (so they are not weights).
 * Misuse (a name that is not both an initializer and a graph input) is a typed error naming the model.
 */
export function markRuntimeInputs(model: Model, names: readonly string[], source = '<model>'): void {
  const g = model.graph;
  const inputs = new Set(g.inputs.map((i) => i.name));
  for (const name of names) {
    if (!inputs.has(name) || !g.initializers.has(name)) {
      const candidates = g.inputs.filter((i) => g.initializers.has(i.name)).map((i) => i.name);
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `${source}: --runtime-input ${name} is not an initializer listed as a graph input ` +
          (candidates.length
            ? `(candidates: ${candidates.slice(0, 8).join(', ')}${candidates.length > 8 ? ', ...' : ''})`
            : '(the model has none)'),
      );
    }
  }
  g.runtimeInputs = new Set([...(g.runtimeInputs ?? []), ...names]);
}
