/**
 * Code coverage per failure mode, from V8 coverage that vitest writes
 * (`npx vitest run --coverage`): coverage/coverage-summary.json (json-summary
 * reporter) or coverage/coverage-final.json (json reporter). Files are mapped
 * to failure modes through the registry's module patterns.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FailureMode } from '../findings.js';
import { matchesModule, REGISTRY } from './registry.js';

export interface FileCoverage {
  file: string;
  lines: { covered: number; total: number };
}

export interface CoverageInput {
  source: string;
  measuredAt: string;
  files: FileCoverage[];
}

export interface ModeCoverage {
  lines: { covered: number; total: number; pct: number };
  files: { file: string; pct: number }[];
}

type Summary = Record<string, { lines: { total: number; covered: number } }>;
type Final = Record<
  string,
  { path?: string; statementMap: Record<string, { start: { line: number } }>; s: Record<string, number> }
>;

/** Reads whichever coverage file exists under `dir` (undefined when none does). */
export function readCoverage(dir: string, root: string): CoverageInput | undefined {
  for (const name of ['coverage-summary.json', 'coverage-final.json']) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as Summary | Final;
    const rel = (p: string) => (p.startsWith('/') ? relative(root, p) : p);
    const files: FileCoverage[] =
      name === 'coverage-summary.json'
        ? Object.entries(json as Summary)
            .filter(([k]) => k !== 'total')
            .map(([k, v]) => ({ file: rel(k), lines: { covered: v.lines.covered, total: v.lines.total } }))
        : Object.entries(json as Final).map(([k, v]) => {
            const lines = new Map<number, boolean>();
            for (const [id, loc] of Object.entries(v.statementMap))
              lines.set(loc.start.line, (lines.get(loc.start.line) ?? false) || (v.s[id] ?? 0) > 0);
            return {
              file: rel(v.path ?? k),
              lines: { covered: [...lines.values()].filter(Boolean).length, total: lines.size },
            };
          });
    return { source: relative(root, file), measuredAt: statSync(file).mtime.toISOString(), files };
  }
  return undefined;
}

export function coverageByMode(input: CoverageInput): Record<FailureMode, ModeCoverage> {
  const out = {} as Record<FailureMode, ModeCoverage>;
  for (const [mode, entry] of Object.entries(REGISTRY) as [FailureMode, (typeof REGISTRY)[FailureMode]][]) {
    const files = input.files.filter((f) => entry.modules.some((m) => matchesModule(f.file, m)));
    const covered = files.reduce((s, f) => s + f.lines.covered, 0);
    const total = files.reduce((s, f) => s + f.lines.total, 0);
    out[mode] = {
      lines: { covered, total, pct: total ? Math.round((covered / total) * 1000) / 10 : 0 },
      files: files
        .map((f) => ({
          file: f.file,
          pct: f.lines.total ? Math.round((f.lines.covered / f.lines.total) * 1000) / 10 : 0,
        }))
        .sort((a, b) => a.file.localeCompare(b.file)),
    };
  }
  return out;
}
