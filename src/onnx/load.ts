/** Reads an ONNX ModelProto (file or bytes) into the graph IR. */
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PruneguardError, isPruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { decodeModel } from './decode.js';
import { externalDataResolver } from './external-data.js';
import { Reader, WireError } from './wire/reader.js';

export interface LoadOptions {
  /** Folder that external data locations are relative to (defaults to the model file's folder). */
  baseDir?: string;
  /** Name used in error messages. */
  source?: string;
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
    if (e instanceof WireError || e instanceof RangeError) throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (${(e as Error).message})`);
    if (isPruneguardError(e)) throw new PruneguardError(e.code, `${source}: ${e.message}`, { cause: e });
    throw new PruneguardError('E_CORRUPT_MODEL', `${source}: corrupt model (${(e as Error).message})`, { cause: e });
  }
  const { hasGraph, ...rest } = model;
  if (!hasGraph) throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no graph)`);
  if (rest.opsetImports.length === 0) throw new PruneguardError('E_NOT_ONNX', `${source}: not a valid ONNX model (no opset_import)`);
  return rest;
}
