/** NumPy `.npz` archives (np.savez / np.savez_compressed): a zip of `.npy` members. */
import { readInputFile } from '../fs/input.js';
import { PruneguardError } from '../errors.js';
import type { Tensor } from '../ir/types.js';
import { readNpy, writeNpy } from './npy.js';
import { readZip, writeZip } from './zip.js';

/** Parses an `.npz` archive into arrays by name (the `.npy` suffix removed), in archive order. */
export function readNpz(bytes: Uint8Array, where = '<npz>'): Map<string, Tensor> {
  const arrays = new Map<string, Tensor>();
  for (const { name, data } of readZip(bytes, where)) {
    const key = name.endsWith('.npy') ? name.slice(0, -4) : name;
    if (arrays.has(key)) throw new PruneguardError('E_BAD_DATA', `${where}: array '${key}' appears twice`);
    arrays.set(key, readNpy(data, `${where}: array '${key}'`));
  }
  return arrays;
}

/** Encodes arrays as an uncompressed `.npz` (what np.savez writes; np.load reads it). */
export function writeNpz(arrays: Map<string, Tensor> | Record<string, Tensor>): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays] : Object.entries(arrays);
  return writeZip(entries.map(([name, t]) => ({ name: `${name}.npy`, data: writeNpy(t, name) })));
}

/** Reads a `.npz` or `.npy` file (a lone `.npy` becomes one array named after the file). */
export function readArraysFile(path: string): Map<string, Tensor> {
  const bytes = readInputFile(path, 'data file');
  if (path.endsWith('.npy')) {
    const base = path.split(/[\\/]/).pop()!.slice(0, -4);
    return new Map([[base, readNpy(bytes, path)]]);
  }
  return readNpz(bytes, path);
}
