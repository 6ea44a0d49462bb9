/**
 * Folders pruneguard writes several files into (reports/). A folder is
 * pruneguard's only if it holds the marker file; pruneguard creates it with the
 * marker in one step (a temporary folder renamed into place), adopts an empty
 * folder by adding the marker, and refuses any other folder. Inside its folder
 * it writes only the files it names, each atomically, and deletes nothing:
 * `--out .` in a project leaves the project as it was.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PruneguardError } from '../errors.js';
import { removeStaleTemporaries, temporaryFor } from './temporaries.js';
import { pausePoint } from './test-pause.js';
import { existingKind, writeError, writeFileAtomic } from './write-atomic.js';

export const FOLDER_MARKER = '.pruneguard-report';
const MARKER_TEXT =
  'This folder is written by pruneguard (run, report). pruneguard writes only its own files here and deletes ' +
  'nothing.\n';

function hasMarker(dir: string): boolean {
  try {
    return lstatSync(join(dir, FOLDER_MARKER)).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether `dir` may become (or already is) pruneguard's folder, without
 * changing anything (commands call it before long work); throws bad input if not.
 */
export function checkFolder(dir: string, what: string): 'absent' | 'empty' | 'ours' {
  const kind = existingKind(dir);
  if (kind === undefined) return 'absent';
  if (kind !== 'directory')
    throw new PruneguardError(
      'E_UNSAFE_OUTPUT',
      `${dir}: is a ${kind}, not a folder; the ${what} needs a folder (give a new or empty folder)`,
    );
  if (hasMarker(dir)) return 'ours';
  if (readdirSync(dir).length > 0) {
    throw new PruneguardError(
      'E_UNSAFE_OUTPUT',
      `${dir}: a folder pruneguard did not create (no ${FOLDER_MARKER} marker) and not empty; ` +
        `refusing to write the ${what} into it (give a new or empty folder)`,
    );
  }
  return 'empty';
}

/** Makes `dir` pruneguard's folder, or throws bad input saying why it is not. */
export function claimFolder(dir: string, what: string): void {
  removeStaleTemporaries(dir);
  if (existingKind(dir) === undefined) {
    const tmp = temporaryFor(dir);
    try {
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(tmp);
      writeFileSync(join(tmp, FOLDER_MARKER), MARKER_TEXT);
      renameSync(tmp, dir);
      return;
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      // Another writer created it first: judge what is there now, below.
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw writeError(dir, what, e);
    }
  }
  if (checkFolder(dir, what) === 'ours') return;
  try {
    writeFileSync(join(dir, FOLDER_MARKER), MARKER_TEXT, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(dir, what, e);
  }
}

/**
 * Writes `files` (plain names → content) into pruneguard's folder `dir`, each
 * atomically, in the given order (put the file readers look for first last).
 */
export function writeOwnedFolder(dir: string, files: Record<string, string>, what: string): void {
  claimFolder(dir, what);
  for (const [name, content] of Object.entries(files)) {
    if (name !== basename(name) || name.startsWith('.'))
      throw new Error(`writeOwnedFolder: '${name}' is not a plain file name`);
    pausePoint('between-files', join(dir, name));
    writeFileAtomic(join(dir, name), content, { replace: true, what });
  }
}
