/** Loads evaluation data from a file, by extension. */
import { readFile } from 'node:fs/promises';
import { PruneguardError } from '../errors.js';
import type { ClassifyOptions, EvalSet } from './eval-set.js';
import { evalSetFromArrays } from './eval-set.js';
import { evalSetFromJson } from './json.js';
import { readArraysFile } from './npz.js';

/** Loads `.npz`, `.npy` or `.json` evaluation data. */
export async function loadEvalSet(path: string, options: ClassifyOptions = {}): Promise<EvalSet> {
  if (path.endsWith('.json')) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new PruneguardError('E_FILE_NOT_FOUND', `cannot read data file ${path}: ${(e as Error).message}`, { cause: e });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new PruneguardError('E_BAD_DATA', `${path}: invalid JSON: ${(e as Error).message}`);
    }
    return evalSetFromJson(json, path, options);
  }
  return evalSetFromArrays(readArraysFile(path), path, options);
}
