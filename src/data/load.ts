/** Loads evaluation data from a file, by extension. */
import { readJsonFile } from '../util/json-file.js';
import type { ClassifyOptions, EvalSet } from './eval-set.js';
import { evalSetFromArrays } from './eval-set.js';
import { evalSetFromJson } from './json.js';
import { readArraysFile } from './npz.js';

/** Loads `.npz`, `.npy` or `.json` evaluation data. */
export async function loadEvalSet(path: string, options: ClassifyOptions = {}): Promise<EvalSet> {
  if (path.endsWith('.json')) {
    const json = readJsonFile(path, 'data', 'E_BAD_DATA');
    return evalSetFromJson(json, path, options);
  }
  return evalSetFromArrays(readArraysFile(path), path, options);
}
