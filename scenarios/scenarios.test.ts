/**
 * Every `scenarios/*.scenario.ts` runs here: its faulty variant must be caught
 * by one of the invariants it names, its fixed variant must pass, and what it
 * did must match golden/<id>.json (verdicts exactly, measured numbers within
 * their recorded bands). Golden files change only on purpose:
 * `npx vitest run scenarios -u`. CI (CI=1) never writes them, not even with
 * -u; a missing golden file fails (locally too, unless -u is given): it is
 * never silently re-created.
 * PRUNEGUARD_REPORT_PART=<file> writes the results as a report part.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makePart } from '../src/report/part.js';
import { writeOutput } from '../src/fs/output.js';
import { isReportPart } from '../src/report/merge.js';
import { discoverScenarios } from '../src/scenarios/discover.js';
import { goldenOf, outOfBand, stableStringify, UPDATE_COMMAND, type Golden } from '../src/scenarios/golden.js';
import { runScenario, type ScenarioResult } from '../src/scenarios/run.js';
import { versions } from '../src/scenarios/versions.js';
import { explainResult } from '../src/scenarios/explain.js';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const goldenDir = join(root, 'golden');
const found = await discoverScenarios(here);
const results: ScenarioResult[] = [];
const t0 = performance.now();

describe('incident scenarios', () => {
  it('finds the scenarios', () => {
    expect(found.length).toBeGreaterThanOrEqual(5);
  });

  for (const { file, scenario } of found) {
    it(`${scenario.id}: faulty caught, fixed passes, golden holds`, async () => {
      const rel = relative(root, file);
      const result = await runScenario(scenario, { root, file: rel });
      results.push(result);
      const goldenPath = join(goldenDir, `${scenario.id}.json`);
      const previous: Golden | undefined = existsSync(goldenPath)
        ? JSON.parse(readFileSync(goldenPath, 'utf8'))
        : undefined;
      expect.soft(result.ok, explainResult(result)).toBe(true);
      expect
        .soft(
          outOfBand(result, previous),
          `measured numbers left their recorded bands; if that is intended: ${UPDATE_COMMAND}`,
        )
        .toEqual([]);
      const text = stableStringify(goldenOf(result, versions(), previous));
      const update = expect.getState().snapshotState.snapshotUpdateState;
      if (!previous && (process.env.CI || update !== 'all')) {
        expect.fail(
          `golden file ${relative(root, goldenPath)} is missing: restore it (git checkout), ` +
            `or record it on purpose: ${UPDATE_COMMAND}${process.env.CI ? ' (never in CI)' : ''}`,
        );
      }
      if (process.env.CI)
        expect(text, `golden file ${relative(root, goldenPath)} differs (CI never writes golden files)`).toBe(
          readFileSync(goldenPath, 'utf8'),
        );
      else await expect(text).toMatchFileSnapshot(goldenPath);
    });
  }

  it('every golden file belongs to a scenario', () => {
    const ids = new Set(found.map((f) => f.scenario.id));
    const orphans = readdirSync(goldenDir).filter((f) => f.endsWith('.json') && !ids.has(f.slice(0, -5)));
    expect(orphans, 'golden files no scenario uses (delete them, or restore their scenario)').toEqual([]);
  });
});

afterAll(() => {
  const out = process.env.PRUNEGUARD_REPORT_PART;
  if (!out || results.length === 0) return;
  writeOutput(
    out,
    JSON.stringify(
      makePart({
        shard: process.env.PRUNEGUARD_SHARD ?? 'vitest',
        versions: versions(),
        scenarios: results,
        properties: [],
        faults: [],
        ms: performance.now() - t0,
      }),
      null,
      1,
    ),
    { what: 'report part', inputs: [], owned: isReportPart },
  );
});
