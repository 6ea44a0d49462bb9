/**
 * Reading a JSON input file: the one place that turns "unreadable" and "not JSON" into misuse
 * errors naming the file. Only a regular file is read (fs/input.ts), and the text is parsed
 * with the limits of util/json.ts (BOM, nesting depth, no prototypes).
 */
import type { ErrorCode } from '../errors.js';
import { readInputFile } from '../fs/input.js';
import { BUDGETS } from './budgets.js';
import { parseJson } from './json.js';

/**
 * Reads and parses `path`. Throws E_FILE_NOT_FOUND (`PATH: cannot read WHAT (ENOENT)`) when the file
 * cannot be read, E_NOT_A_FILE for a FIFO, device or directory, E_TOO_LARGE past the JSON budget, and
 * `invalid` (`PATH: WHAT is not valid JSON (...)`, or nested too deep) when it is not usable JSON.
 */
export function readJsonFile(path: string, what: string, invalid: ErrorCode = 'E_BAD_ARGUMENT'): unknown {
  return parseJson(readInputFile(path, what, BUDGETS.jsonBytes).toString('utf8'), path, invalid, what);
}
