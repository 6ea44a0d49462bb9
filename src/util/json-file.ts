/** Reading a JSON input file: the one place that turns "unreadable" and "not JSON" into misuse errors naming the file. */
import { readFileSync } from 'node:fs';
import { type ErrorCode, PruneguardError } from '../errors.js';

/**
 * Reads and parses `path`. Throws E_FILE_NOT_FOUND (`PATH: cannot read WHAT (ENOENT)`) when the file
 * cannot be read, and `invalid` (`PATH: WHAT is not valid JSON (...)`) when it is not JSON.
 */
export function readJsonFile(path: string, what: string, invalid: ErrorCode = 'E_BAD_ARGUMENT'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PruneguardError('E_FILE_NOT_FOUND', `${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PruneguardError(invalid, `${path}: ${what} is not valid JSON (${(e as Error).message})`);
  }
}
