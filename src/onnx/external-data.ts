/**
 * Reads tensor bytes stored outside the model file. A location must stay inside
 * the model's folder: absolute paths and `..` escapes are refused, as onnx
 * itself had to after CVE-2022-25882.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PruneguardError } from '../errors.js';
import type { ExternalDataReader } from './tensor-codec.js';

export function externalDataReader(baseDir: string): ExternalDataReader {
  // Resolved on first use: most models have no external data, and a bad folder must be a PruneguardError.
  let resolved: string | undefined;
  const baseOf = (tensorName: string) => {
    try {
      return (resolved ??= realpathSync(baseDir));
    } catch (e) {
      throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}': cannot resolve the model folder '${baseDir}' (${(e as Error).message})`);
    }
  };
  return (entries, tensorName) => {
    const base = baseOf(tensorName);
    const get = (k: string) => entries.find((e) => e.key === k)?.value;
    const location = get('location');
    if (!location) throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}' has external data without a location`);
    const path = safeLocation(base, location, tensorName);
    const offset = Number(get('offset') ?? 0);
    const lengthField = get('length');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}': bad external offset '${get('offset')}'`);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}': cannot open external data '${location}' (${(e as Error).message})`);
    }
    try {
      const size = fstatSync(fd).size;
      const length = lengthField === undefined ? size - offset : Number(lengthField);
      if (!Number.isSafeInteger(length) || length < 0 || offset + length > size) {
        throw new PruneguardError('E_EXTERNAL_DATA', `tensor '${tensorName}': external range offset=${offset} length=${lengthField} exceeds '${location}' (${size} bytes)`);
      }
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return out;
    } finally {
      closeSync(fd);
    }
  };
}

function safeLocation(base: string, location: string, tensorName: string): string {
  const refuse = () =>
    new PruneguardError('E_UNSAFE_EXTERNAL_DATA', `tensor '${tensorName}': external data location '${location}' escapes the model folder`);
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
