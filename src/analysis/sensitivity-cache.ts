/**
 * The sweep's result cache: a JSON file of measured metrics keyed by (model
 * digest, data digest, group, ratio, criterion, metric), so an interrupted
 * sweep resumes where it stopped and a rerun costs nothing. A cache is never
 * relied on for correctness: a missing file or one of another version is an
 * empty cache, and a key changes whenever anything measured does. A file that
 * is not a pruneguard cache, or is one of the sweep's inputs, is never
 * overwritten (bad input, whatever the flags).
 */
import { createHash } from 'node:crypto';
import { readJsonFile } from '../util/json-file.js';
import type { EvalSet } from '../data/eval-set.js';
import { tensorBytes } from '../ir/tensor.js';
import { checkOutput } from '../fs/output.js';
import { writeFileAtomic } from '../fs/write-atomic.js';

const VERSION = 1;
const KIND = 'pruneguard-sensitivity-cache';
const sortedEntries = (map: Map<string, unknown>) =>
  Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));

type CacheFile = { kind?: string; version?: number; entries?: Record<string, unknown> };

function readCacheFile(path: string): CacheFile | undefined {
  try {
    const json = readJsonFile(path, 'sensitivity cache') as CacheFile;
    // Files before `kind` was written hold just { version, entries }.
    const entries = json?.entries;
    if (
      (json.kind === KIND || json.kind === undefined) &&
      typeof json.version === 'number' &&
      entries &&
      typeof entries === 'object' &&
      !Array.isArray(entries)
    )
      return json;
  } catch {
    // Not JSON, or not readable: not a cache.
  }
  return undefined;
}

/** An existing file is a pruneguard sensitivity cache (any version). */
export const isSensitivityCache = (path: string): boolean => readCacheFile(path) !== undefined;

export interface SensitivityCache {
  get(key: string): number | undefined;
  set(key: string, metric: number): void;
  /** Number of keys held. */
  readonly size: number;
}

/** An in-memory cache (the default: nothing survives the process). */
export function memoryCache(): SensitivityCache {
  const map = new Map<string, number>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    get size() {
      return map.size;
    },
  };
}

/**
 * A cache in a JSON file, written atomically after every new value (a sweep
 * killed mid-way keeps everything measured before).
 */
export function fileCache(path: string, inputs: readonly (string | undefined)[] = []): SensitivityCache {
  const map = new Map<string, number>();
  checkOutput(path, { what: 'sensitivity cache', inputs, owned: isSensitivityCache });
  const json = readCacheFile(path);
  if (json?.version === VERSION) {
    for (const [k, v] of Object.entries(json.entries!))
      if (typeof v === 'number' && Number.isFinite(v) && k !== '__proto__') map.set(k, v);
  }
  const save = () =>
    writeFileAtomic(
      path,
      `${JSON.stringify({ kind: KIND, version: VERSION, entries: sortedEntries(map) }, null, 1)}\n`,
      { replace: true, what: 'sensitivity cache' },
    );
  return {
    get: (k) => map.get(k),
    set: (k, v) => {
      map.set(k, v);
      save();
    },
    get size() {
      return map.size;
    },
  };
}

export interface CacheKeyParts {
  model: string;
  data: string;
  group: string;
  ratio: number;
  criterion: string;
  metric: string;
  /** Only for the random criterion. */
  seed?: number;
}

export function cacheKey(p: CacheKeyParts): string {
  const criterion = p.criterion === 'random' ? `random:${p.seed ?? 0}` : p.criterion;
  return [p.model, p.data, p.group, String(p.ratio), criterion, p.metric].join('|');
}

/**
 * A digest of the whole serialized model: graph, weights and every attribute
 * (a stride or a Constant's value changes what is measured, so it changes the key).
 */
export function modelBytesDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** A digest of what an evaluation set feeds and scores: inputs, labels, lengths. */
export function dataDigest(set: EvalSet): string {
  const h = createHash('sha256');
  h.update(`n=${set.count};`);
  for (const [name, t] of Object.entries(set.inputs).sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`${name}:${t.dtype}[${t.dims.join(',')}]`);
    h.update(tensorBytes(t.data));
  }
  if (set.labels) {
    h.update('labels');
    h.update(tensorBytes(set.labels));
  }
  for (const [name, l] of Object.entries(set.lengths).sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`len:${name}`);
    h.update(tensorBytes(l));
  }
  return h.digest('hex').slice(0, 16);
}
