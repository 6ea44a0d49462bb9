/**
 * What `pruneguard run` and `pruneguard scenarios` hold a scenario result to
 * beyond its own verdicts: its golden file must exist (a deleted golden file
 * is a failure, never silently re-created) and agree with what was measured:
 * the same verdicts and catching invariants, every recorded number in its band.
 * The CLI never writes golden files; `npx vitest run scenarios -u` does, on purpose.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outOfBand, UPDATE_COMMAND, type Golden } from './golden.js';
import type { ScenarioResult } from './run.js';

/** The golden file's path for a scenario id under a project root. */
export const goldenPath = (root: string, id: string): string => join(root, 'golden', `${id}.json`);

/** Reasons the result disagrees with its golden file (empty when it agrees). */
export function goldenProblems(result: ScenarioResult, root: string): string[] {
  const path = goldenPath(root, result.id);
  if (!existsSync(path))
    return [`golden file ${path} is missing (restore it, or record it on purpose: ${UPDATE_COMMAND})`];
  let golden: Golden;
  try {
    golden = JSON.parse(readFileSync(path, 'utf8')) as Golden;
  } catch (e) {
    return [`golden file ${path} is not valid JSON (${(e as Error).message})`];
  }
  const problems: string[] = [];
  for (const [name, v] of Object.entries(result.variants)) {
    const recorded = golden.variants?.[name as keyof typeof golden.variants];
    if (!recorded) problems.push(`${path}: no recorded variant '${name}'`);
    else if (recorded.verdict !== v.verdict || JSON.stringify(recorded.caughtBy) !== JSON.stringify(v.caughtBy)) {
      problems.push(
        `${name}: ${v.verdict} by [${v.caughtBy.join(', ')}], golden records ${recorded.verdict} by ` +
          `[${(recorded.caughtBy ?? []).join(', ')}]`,
      );
    }
  }
  return [...problems, ...outOfBand(result, golden)];
}

/** The result, failed with its golden problems when there are any. */
export function withGolden(result: ScenarioResult, root: string): ScenarioResult {
  const golden = goldenProblems(result, root);
  return golden.length ? { ...result, ok: false, golden } : result;
}
