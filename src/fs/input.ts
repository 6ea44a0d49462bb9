/**
 * Reading an input file: it must be a regular file (a FIFO, socket, device or
 * directory is refused at once, from its metadata, before anything opens it,
 * so nothing ever blocks on one), and no larger than the caller's budget.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { PruneguardError } from '../errors.js';

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Throws bad input unless `path` is an existing regular file (symlinks followed); returns its size. */
export function assertRegularFile(path: string, what: string): number {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PruneguardError('E_FILE_NOT_FOUND', `${path}: cannot read ${what} (${code ?? (e as Error).message})`);
  }
  if (!st.isFile())
    throw new PruneguardError(
      'E_NOT_A_FILE',
      `${path}: cannot read ${what} (${kindOf(st)}; ${what} must be a regular file)`,
    );
  return st.size;
}

/**
 * Reads a whole regular file of at most `maxBytes`; O_NONBLOCK so even a file swapped for a FIFO meanwhile cannot hang.
 */
export function readInputFile(path: string, what: string, maxBytes = Infinity): Buffer {
  const size = assertRegularFile(path, what);
  if (size > maxBytes)
    throw new PruneguardError('E_TOO_LARGE', `${path}: ${what} is ${size} bytes, over the ${maxBytes}-byte limit`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new PruneguardError(
      'E_FILE_NOT_FOUND',
      `${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new PruneguardError(
        'E_NOT_A_FILE',
        `${path}: cannot read ${what} (${kindOf(st)}; ${what} must be a regular file)`,
      );
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } catch (e) {
    if (e instanceof PruneguardError) throw e;
    throw new PruneguardError(
      'E_FILE_NOT_FOUND',
      `${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  } finally {
    closeSync(fd);
  }
}
