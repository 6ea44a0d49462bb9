/** Creates a file only if it does not exist (nothing a user owns is overwritten). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PruneguardError } from '../errors.js';

export function writeFileExclusive(path: string, text: string, existsMessage: string): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new PruneguardError('E_OUTPUT_EXISTS', existsMessage);
    throw e;
  }
}
