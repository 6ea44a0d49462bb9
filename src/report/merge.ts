/**
 * Merging report parts (one per shard, or one per test file) into one. Parts
 * must come from the same versions; a scenario or fault seen in two parts is
 * an error (overlapping shards), so a merged report never double-counts.
 */
import { PruneguardError } from '../errors.js';
import { PART_KIND, type ReportPart } from './part.js';
import { readJsonFile } from '../util/json-file.js';

export function readPart(file: string): ReportPart {
  const json = readJsonFile(file, 'report part', 'E_BAD_DATA') as ReportPart | null;
  if (json?.kind !== PART_KIND || json.version !== 1)
    throw new PruneguardError(
      'E_BAD_DATA',
      `${file} is not a pruneguard report part (kind '${json?.kind}', version ${json?.version})`,
    );
  return json;
}

/** An existing file is a report part (so a new part may replace it). */
export function isReportPart(path: string): boolean {
  try {
    readPart(path);
    return true;
  } catch {
    return false;
  }
}

export function mergeParts(parts: readonly ReportPart[]): ReportPart & { shards: string[] } {
  if (parts.length === 0) throw new PruneguardError('E_BAD_ARGUMENT', 'no report parts to merge');
  const v = JSON.stringify({ ...parts[0].versions, node: undefined });
  const other = parts.find((p) => JSON.stringify({ ...p.versions, node: undefined }) !== v);
  if (other)
    throw new PruneguardError(
      'E_BAD_DATA',
      `report parts come from different versions: ${v} vs ${JSON.stringify(other.versions)}`,
    );
  const unique = <T>(items: T[], key: (t: T) => string, what: string): T[] => {
    const seen = new Set<string>();
    for (const i of items) {
      const k = key(i);
      if (seen.has(k))
        throw new PruneguardError('E_BAD_DATA', `${what} '${k}' appears in more than one part (overlapping shards?)`);
      seen.add(k);
    }
    return items;
  };
  return {
    ...parts[0],
    shard: parts.map((p) => p.shard).join('+'),
    shards: parts.map((p) => p.shard),
    createdAt: parts
      .map((p) => p.createdAt)
      .sort()
      .at(-1)!,
    scenarios: unique(
      parts.flatMap((p) => p.scenarios),
      (s) => s.id,
      'scenario',
    ).sort((a, b) => a.id.localeCompare(b.id)),
    properties: unique(
      parts.flatMap((p) => p.properties),
      (p) => p.name,
      'property',
    ),
    faults: unique(
      parts.flatMap((p) => p.faults),
      (f) => f.fault,
      'fault',
    ),
    ms: parts.reduce((s, p) => s + p.ms, 0),
  };
}
