/**
 * Reports from real scenario results: the writers, atomic replacement, the
 * merge of shard parts, and the HTML rendered in a real headless chromium.
 * In CI (CI=1) a missing chromium fails loudly instead of skipping.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../scenarios/discover.js';
import { runScenario, type ScenarioResult } from '../scenarios/run.js';
import { versions } from '../scenarios/versions.js';
import { hasChromium, renderInChromium } from './chromium.test-helpers.js';
import { coverageByMode } from './coverage.js';
import { mergeParts } from './merge.js';
import { buildReport } from './model.js';
import { makePart, type ReportPart } from './part.js';
import { renderMarkdown } from './markdown.js';
import { writeReport } from './write.js';
import { main } from '../cli/main.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';

const root = new URL('../../', import.meta.url).pathname;
const results: ScenarioResult[] = [];
const latencyPlot = {
  kind: 'latency' as const,
  title: 'Latency vs batch size',
  x: 'batch size',
  y: 'ms',
  series: [
    {
      name: 'dense',
      points: [
        { x: 1, y: 0.5 },
        { x: 8, y: 2 },
        { x: 64, y: 9 },
      ],
    },
    {
      name: 'pruned',
      points: [
        { x: 1, y: 0.2 },
        { x: 8, y: 0.6 },
        { x: 64, y: 2.5 },
      ],
    },
  ],
};

beforeAll(async () => {
  for (const id of ['early-layer-collapse', 'missing-projection-update']) {
    results.push(await runScenario(await loadScenario(join(root, `scenarios/${id}.scenario.ts`)), { root }));
  }
  results[1].variants.fixed.plots.push(latencyPlot);
});

const part = (shard: string, scenarios: ScenarioResult[], extra: Partial<ReportPart> = {}): ReportPart =>
  makePart({
    shard,
    versions: versions(),
    scenarios,
    properties: [
      {
        name: `p${shard}`,
        failureModes: ['shape-mismatch'],
        invariants: ['shape-consistency'],
        seed: 1,
        cases: 10,
        skipped: 0,
        passed: true,
      },
    ],
    faults: [],
    ms: 100,
    ...extra,
  });

describe('report', () => {
  it('lists, per failure mode, guards, scenarios with verdicts, properties and coverage', () => {
    const cov = {
      source: 'coverage/coverage-summary.json',
      measuredAt: 'now',
      files: [
        { file: 'src/invariants/shape-consistency.ts', lines: { covered: 8, total: 10 } },
        { file: 'src/shape/infer.ts', lines: { covered: 1, total: 10 } },
        { file: 'src/shape/infer.test.ts', lines: { covered: 5, total: 5 } },
      ],
    };
    const r = buildReport(part('main', results), cov);
    const shape = r.failureModes.find((m) => m.id === 'shape-mismatch')!;
    expect(shape.guards).toEqual([
      'shape-consistency',
      'no-silent-broadcast',
      'mask-equivalence',
      'interface-consistency',
      'pruner-protocol',
    ]);
    expect(shape.scenarios.map((s) => [s.id, s.faulty.verdict, s.fixed.verdict])).toEqual([
      ['missing-projection-update', 'caught', 'pass'],
    ]);
    expect(shape.coverage!.lines).toEqual({ covered: 9, total: 20, pct: 45 });
    expect(coverageByMode(cov)['nm-nonconformance'].lines.total).toBe(0);
    expect(r.failureModes.find((m) => m.id === 'hardware-headroom')!.status).toBe('unexercised');
    expect(renderMarkdown(r)).toContain('| Shape mismatch (`shape-mismatch`) | ✅ ok |');
  });

  it('merges shard parts into one report, refusing overlaps and mixed versions', () => {
    const merged = mergeParts([part('1/2', [results[0]]), part('2/2', [results[1]])]);
    expect(merged.shards).toEqual(['1/2', '2/2']);
    expect(merged.scenarios.map((s) => s.id)).toEqual(['early-layer-collapse', 'missing-projection-update']);
    const r = buildReport(merged);
    expect(r.totals).toMatchObject({ scenarios: 2, scenariosOk: 2, propertyCases: 20 });
    expect(() => mergeParts([part('1/2', results), part('2/2', [results[1]], { properties: [] })])).toThrow(
      "scenario 'missing-projection-update' appears in more than one part",
    );
    expect(() =>
      mergeParts([
        part('1/2', [results[0]]),
        { ...part('2/2', [results[1]]), versions: { ...versions(), pruneguard: '9.9.9' } },
      ]),
    ).toThrow('different versions');
    expect(() => mergeParts([])).toThrow('no report parts');
  });

  it('`pruneguard report --merge` writes one report from shard parts', async () => {
    const tmp = tempDir('pg-merge-');
    const files = [part('1/2', [results[0]]), part('2/2', [results[1]])].map((p, i) => {
      const f = join(tmp, `part-${i + 1}.json`);
      writeFileSync(f, JSON.stringify(p));
      return f;
    });
    const out: string[] = [];
    const code = await main(['report', '--merge', ...files, '--out', join(tmp, 'reports'), '--root', tmp], {
      out: (t) => void out.push(t),
      err: (t) => void out.push(t),
    });
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(tmp, 'reports/report.json'), 'utf8'));
    expect(json.shards).toEqual(['1/2', '2/2']);
    expect(json.totals.scenarios).toBe(2);
    expect(out.join('\n')).toContain('shape-mismatch');
    expect(
      await main(['report', '--merge', join(tmp, 'nope.json'), '--root', tmp], { out: () => {}, err: () => {} }),
    ).toBe(2);
  });

  it('renders the HTML offline in headless chromium: every chart laid out, no console errors', async () => {
    if (!hasChromium()) {
      if (process.env.CI)
        throw new Error('chromium is required in CI (.ci/run installs it): /usr/bin/chromium not found');
      console.warn('[pruneguard] chromium not installed: HTML render check skipped locally');
      return;
    }
    const dir = join(tempDir('pg-html-'), 'reports');
    const p = part('main', results);
    writeReport(dir, buildReport(p), p);
    expect(readdirSync(dir).sort()).toEqual([
      '.pruneguard-report',
      'README.md',
      'part.json',
      'report.html',
      'report.json',
      'report.md',
    ]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const charts = (html.match(/<svg /g) ?? []).length;
    expect(charts).toBe(4); // sensitivity, slices faulty, slices fixed, latency
    const { dom, consoleErrors } = await renderInChromium(join(dir, 'report.html'));
    expect(consoleErrors).toEqual([]);
    expect(dom).toContain('id="report-complete"');
    expect(dom).toContain(`data-charts-rendered="${charts}"`);
    expect(dom).toContain('missing-projection-update');
  });
});

it('report.json is plain sorted JSON a machine can read back', () => {
  const dir = join(tempDir('pg-json-'), 'reports');
  const p = part('main', results);
  writeReport(dir, buildReport(p), p);
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
  expect(json.failureModes).toHaveLength(6);
  expect(existsSync(join(dir, 'part.json')), `${join(dir, 'part.json')} exists`).toBe(true);
});
