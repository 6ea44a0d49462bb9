/**
 * Reads tensor bytes stored outside the model file. A location must stay inside
 * the model's folder: absolute paths and `..` escapes are refused, as onnx
 * itself had to after CVE-2022-25882.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { existingKind } from '../fs/write-atomic.js';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PruneguardError } from '../errors.js';
import type { FileRange } from './wire/writer.js';

/** Where a tensor's bytes are, checked: the location is inside the folder and the range inside the file. */
export type ExternalDataResolver = (entries: { key: string; value: string }[], tensorName: string) => FileRange;

export function externalDataResolver(baseDir: string): ExternalDataResolver {
  // Resolved on first use: most models have no external data, and a bad folder must be a PruneguardError.
  let resolved: string | undefined;
  const baseOf = (tensorName: string) => {
    try {
      return (resolved ??= realpathSync(baseDir));
    } catch (e) {
      throw new PruneguardError(
        'E_EXTERNAL_DATA',
        `tensor '${tensorName}': cannot resolve the model folder '${baseDir}' (${(e as Error).message})`,
      );
    }
  };
  // One stat per file: an LLM export may keep hundreds of tensors in one file.
  const sizes = new Map<string, number>();
  return (entries, tensorName) => {
    const base = baseOf(tensorName);
    const get = (k: string) => entries.find((e) => e.key === k)?.value;
    const location = get('location');
    if (!location)
      throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}' has external data without a location`);
    const path = safeLocation(base, location, tensorName);
    const offset = Number(get('offset') ?? 0);
    const lengthField = get('length');
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}': bad external offset '${get('offset')}'`);
    let size = sizes.get(path);
    if (size === undefined) {
      // A FIFO or device would block the open (or never end): only a regular file is data.
      const kind = existingKind(path);
      if (kind && kind !== 'file' && kind !== 'symbolic link')
        throw new PruneguardError(
          'E_EXTERNAL_DATA',
          `tensor '${tensorName}': external data '${location}' is a ${kind}, not a regular file`,
        );
      try {
        const fd = openSync(path, 'r');
        try {
          size = fstatSync(fd).size;
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        throw new PruneguardError(
          'E_EXTERNAL_DATA',
          `tensor '${tensorName}': cannot open external data '${location}' (${(e as Error).message})`,
        );
      }
      sizes.set(path, size);
    }
    const length = lengthField === undefined ? size - offset : Number(lengthField);
    if (!Number.isSafeInteger(length) || length < 0 || offset + length > size) {
      throw new PruneguardError(
        'E_EXTERNAL_DATA',
        `tensor '${tensorName}': external range offset=${offset} length=${lengthField} exceeds '${location}' ` +
          `(${size} bytes)`,
      );
    }
    return { path, offset, length };
  };
}

/** Reads a checked range into fresh memory (a tensor's bytes are read when first used, not at load). */
export function readRange(range: FileRange, into = new Uint8Array(range.length)): Uint8Array {
  let fd: number;
  try {
    fd = openSync(range.path, 'r');
  } catch (e) {
    throw new PruneguardError('E_EXTERNAL_DATA', `cannot open external data '${range.path}' (${(e as Error).message})`);
  }
  try {
    let done = 0;
    while (done < range.length) {
      const n = readSync(fd, into, done, range.length - done, range.offset + done);
      if (n === 0)
        throw new PruneguardError(
          'E_EXTERNAL_DATA',
          `'${range.path}' ended after ${range.offset + done} bytes (changed since the model was loaded?)`,
        );
      done += n;
    }
    return into;
  } finally {
    closeSync(fd);
  }
}

function safeLocation(base: string, location: string, tensorName: string): string {
  const refuse = () =>
    new PruneguardError(
      'E_UNSAFE_EXTERNAL_DATA',
      `tensor '${tensorName}': external data location '${location}' escapes the model folder`,
    );
  if (isAbsolute(location) || location.includes('\0') || /^[a-zA-Z]:/.test(location)) throw refuse();
  const target = resolve(join(base, location));
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw refuse();
  // A symlink inside the folder may still point outside it.
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return target; // does not exist: the open reports it
  }
  const realRel = relative(base, real);
  if (realRel.startsWith('..' + sep) || realRel === '..' || isAbsolute(realRel)) throw refuse();
  return real;
}
