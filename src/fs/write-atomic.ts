/**
 * The one way pruneguard writes a file: into a temporary beside the target
 * (see temporaries.ts), then, in one step, onto the final name. A reader, a
 * crash or a kill -9 never sees a half-written file at the final path.
 *
 * Without `replace` the final step is a hard link, which fails if anything
 * appeared at the path meanwhile (so a file that is not ours is never
 * clobbered, even by a race); with it, a rename, and only over a regular file.
 * Failures (read-only place, a path under a file, no space) are bad input
 * naming the path, never a stack trace.
 */
import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PruneguardError } from '../errors.js';
import { removeStaleTemporaries, temporaryFor } from './temporaries.js';
import { pausePoint } from './test-pause.js';

export interface AtomicWriteOptions {
  /** An existing regular file at the path may be replaced (checked by the caller: see output.ts). */
  replace?: boolean;
  /** What the file is, for messages ('pruned model', 'report'). */
  what?: string;
}

/** Writes `data` to `path` atomically; see the module comment for what it refuses. */
export function writeFileAtomic(path: string, data: Uint8Array | string, o: AtomicWriteOptions = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  writeFileAtomicWith(
    path,
    (fd, tmp) => {
      const half = bytes.byteLength >> 1;
      writeAll(fd, bytes.subarray(0, half));
      pausePoint('partial-write', tmp);
      writeAll(fd, bytes.subarray(half));
    },
    o,
  );
}

/** Like writeFileAtomic, for contents written in pieces by `write` (a model streamed tensor by tensor). */
export function writeFileAtomicWith(
  path: string,
  write: (fd: number, tmp: string) => void,
  o: AtomicWriteOptions = {},
): void {
  const what = o.what ?? 'output';
  removeStaleTemporaries(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw writeError(path, what, e);
  }
  const tmp = temporaryFor(path);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      write(fd, tmp);
    } finally {
      closeSync(fd);
    }
    pausePoint('before-rename', tmp);
    commit(tmp, path, o.replace, what);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e instanceof PruneguardError ? e : writeError(path, what, e);
  }
}

/**
 * Moves a finished file of ours (written elsewhere, e.g. a model staged in a temporary folder for
 * onnxruntime) onto `path` in one step, by the same rules as writeFileAtomic. Across file systems it
 * is copied into a temporary beside `path` first. `from` is gone afterwards either way.
 */
/**
 * A folder of pruneguard's own beside `path` (named as a temporary of `path`, so the next write there
 * removes it when its process is gone), for files that become `path` later by `moveFileAtomic`.
 * The caller removes it when done. A place that takes no new folder is bad input naming `path`.
 */
export function stagingFolderFor(path: string, what = 'output'): string {
  removeStaleTemporaries(path);
  const dir = temporaryFor(path);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    throw writeError(path, what, e);
  }
  return dir;
}

export function moveFileAtomic(from: string, path: string, o: AtomicWriteOptions = {}): void {
  const what = o.what ?? 'output';
  try {
    commit(from, path, o.replace, what);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV')
      throw e instanceof PruneguardError ? e : writeError(path, what, e);
    writeFileAtomicWith(path, (fd) => copyInto(fd, from), o);
  }
  rmSync(from, { force: true });
}

function copyInto(fd: number, from: string): void {
  const src = openSync(from, 'r');
  const buf = new Uint8Array(8 << 20);
  try {
    for (let n; (n = readSync(src, buf)) > 0; ) writeAll(fd, buf.subarray(0, n));
  } finally {
    closeSync(src);
  }
}

/** `tmp` onto `path`: a rename over a regular file with `replace`, else a link that fails if anything is there. */
function commit(tmp: string, path: string, replace: boolean | undefined, what: string): void {
  if (replace) {
    const kind = existingKind(path);
    if (kind && kind !== 'file')
      throw new PruneguardError(
        'E_UNSAFE_OUTPUT',
        `${path}: refusing to replace a ${kind} with the ${what} (outputs go to regular files only)`,
      );
    renameSync(tmp, path);
  } else {
    linkOnto(tmp, path, what);
  }
}

/** Writes all of `bytes` at the file position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off, bytes.byteLength - off);
}

/** Moves `tmp` to `path` only if nothing is there (hard link + unlink; a plain rename where links are unsupported). */
function linkOnto(tmp: string, path: string, what: string): void {
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new PruneguardError(
        'E_OUTPUT_EXISTS',
        `${path} exists (appeared while the ${what} was being written); nothing was overwritten`,
      );
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw e;
    if (existingKind(path)) throw new PruneguardError('E_OUTPUT_EXISTS', `${path} exists; nothing was overwritten`);
    renameSync(tmp, path);
    return;
  }
  rmSync(tmp, { force: true });
}

/** 'file', a readable name for anything else at the path, or undefined when nothing is there. */
export function existingKind(path: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return 'path under a file';
    throw e;
  }
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  return 'special file';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EEXIST: 'a parent is not a directory',
  // The folder exists but takes no new files (procfs, sysfs), or vanished while writing.
  ENOENT: 'the folder does not accept new files',
  EINVAL: 'the file system refuses the name or the write',
  EFBIG: 'file too large for the file system',
  EBUSY: 'the path is busy',
  ETXTBSY: 'the path is busy',
  EMLINK: 'too many links in the folder',
  EIO: 'input/output error',
};

/** A file-system failure while writing, as a one-line bad-input error naming the path. */
export function writeError(path: string, what: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code])
    return new PruneguardError('E_WRITE_FAILED', `${path}: cannot write the ${what} (${REASONS[code]}, ${code})`, {
      cause: e,
    });
  return e as Error;
}
