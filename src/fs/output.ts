/**
 * The output rule every command follows, in one place: an output never
 * replaces an input of the same command (compared by device and inode, so a
 * symlink, `./x` or a hard link to an input is caught), goes only to a regular
 * file (a directory, device, FIFO, socket or symbolic link is refused), and
 * replaces an existing file only when it is pruneguard's own earlier output of
 * that kind (`owned`) or with `--force`. Checked up front (before any long
 * work) and again by the write itself (writeFileAtomic).
 */
import { statSync } from 'node:fs';
import { PruneguardError } from '../errors.js';
import { existingKind, writeFileAtomic } from './write-atomic.js';

export interface OutputRule {
  /** What the file is, for messages: 'pruned model', 'sensitivity cache'. */
  what: string;
  /** The command's input files (undefined entries are skipped); the output may never be one of them. */
  inputs: readonly (string | undefined)[];
  /** --force was given: an existing regular file that is not an input may be replaced. */
  force?: boolean;
  /** Recognises pruneguard's own earlier output of this kind, which may be replaced without --force. */
  owned?: (path: string) => boolean;
  /** How the user allows replacing (for messages); undefined when nothing can (no --force on that command). */
  forceHint?: string;
}

/** The same file on disk (device + inode, symlinks followed); false when either does not exist. */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/**
 * Checks `path` against the rule; returns whether the write may replace an existing file. Throws bad input otherwise.
 */
export function checkOutput(path: string, rule: OutputRule): { replace: boolean } {
  const input = rule.inputs.find((i): i is string => typeof i === 'string' && sameFile(i, path));
  if (input !== undefined)
    throw new PruneguardError(
      'E_UNSAFE_OUTPUT',
      `${path}: refusing to write the ${rule.what} over the input ${input} (not even with --force)`,
    );
  const kind = existingKind(path);
  if (kind === undefined) return { replace: false };
  if (kind !== 'file')
    throw new PruneguardError(
      'E_UNSAFE_OUTPUT',
      `${path}: is a ${kind}; the ${rule.what} goes to a regular file only (give a file path)`,
    );
  if (rule.owned?.(path)) return { replace: true };
  if (rule.force) return { replace: true };
  const whose = rule.owned ? ` and is not pruneguard's ${rule.what}` : '';
  throw new PruneguardError(
    'E_OUTPUT_EXISTS',
    `${path} exists${whose} (${rule.forceHint ? `${rule.forceHint} to overwrite it` : 'choose another path'})`,
  );
}

/** checkOutput, then an atomic write. */
export function writeOutput(path: string, data: Uint8Array | string, rule: OutputRule): void {
  const { replace } = checkOutput(path, rule);
  writeFileAtomic(path, data, { replace, what: rule.what });
}
