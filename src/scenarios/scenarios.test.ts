/**
 * The scenario machinery: golden bands and verdicts, discovery of a newly
 * added file, scaffolding, and a failing property's counterexample saved as a
 * scenario that rebuilds its graph and behaves (faulty caught, fixed passes).
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSelftest } from '../check/selftest.js';
import { main } from '../cli/main.js';
import { saveCounterexampleScenario } from '../cli/commands/scenario.js';
import { faultById } from '../faults/index.js';
import { defineScenario } from './define.js';
import { discoverScenarios, loadScenario } from './discover.js';
import { bandOf, goldenOf, outOfBand, stableStringify } from './golden.js';
import { goldenPath, goldenProblems, withGolden } from './golden-check.js';
import { runScenario, type ScenarioResult } from './run.js';
import { inShard, parseShard } from './run-all.js';
import { blankScenario, type ScaffoldTarget } from './scaffold.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';

const src = new URL('..', import.meta.url).pathname;
const abs = {
  define: join(src, 'scenarios/define.ts'),
  structure: join(src, 'check/structure.ts'),
  faults: join(src, 'faults/index.ts'),
  graph: join(src, 'arbitraries/graph.ts'),
};
const V = { pruneguard: '0.1.0', 'onnxruntime-node': '1.0.0', node: 'v20' };
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
};

function fakeResult(verdict: string, value: number): ScenarioResult {
  const v = (verdict2: string) => ({
    summary: '',
    verdict: verdict2 as never,
    ok: true,
    caughtBy: verdict2 === 'caught' ? ['slice-threshold'] : [],
    findings: [],
    measurements: { acc: { value, tolerance: { abs: 1 } }, ms: { value: 3 } },
    plots: [],
    ms: 1,
  });
  return {
    id: 'x',
    title: 'x',
    failureMode: 'slice-regression',
    incident: { source: 's', date: 'd', summary: 's' },
    mustCatch: ['slice-threshold'],
    opset: 17,
    ok: true,
    variants: { faulty: v(verdict), fixed: v('pass') },
    shared: { measurements: {}, plots: [] },
    ms: 1,
  };
}

describe('golden files', () => {
  it('record verdicts exactly and measurements as bands that in-band runs reproduce byte for byte', () => {
    const first = goldenOf(fakeResult('caught', 80.004), V);
    expect(first.variants.faulty).toEqual({
      verdict: 'caught',
      caughtBy: ['slice-threshold'],
      bands: { acc: [79, 81.01] },
    });
    const text = stableStringify(first);
    expect(stableStringify(goldenOf(fakeResult('caught', 80.7), V, first))).toBe(text);
    expect(outOfBand(fakeResult('caught', 82), first)).toEqual([
      'faulty acc: measured 82.000, outside the recorded band [79, 81.01]',
      'fixed acc: measured 82.000, outside the recorded band [79, 81.01]',
    ]);
    expect(stableStringify(goldenOf(fakeResult('caught', 82), V, first))).not.toBe(text);
    expect(stableStringify(goldenOf(fakeResult('missed', 80), V, first))).not.toBe(text);
    expect(text.indexOf('"_header"')).toBeLessThan(text.indexOf('"failureMode"'));
    expect(bandOf(2, { rel: 0.5 })).toEqual([1, 3]);
  });

  it('run and scenarios fail a result whose golden file is missing, or disagrees; never write one', () => {
    const root = tempDir('pg-golden-');
    const missing = withGolden(fakeResult('caught', 80), root);
    expect(missing.ok).toBe(false);
    expect(missing.golden![0]).toMatch(/golden file .*x\.json is missing/);
    expect(existsSync(goldenPath(root, 'x'))).toBe(false);
    mkdirSync(join(root, 'golden'));
    writeFileSync(goldenPath(root, 'x'), stableStringify(goldenOf(fakeResult('caught', 80), V)));
    expect(withGolden(fakeResult('caught', 80.5), root).ok, "withGolden(fakeResult('caught', 80.5), root).ok").toBe(
      true,
    );
    expect(goldenProblems(fakeResult('missed', 80), root)).toEqual([
      'faulty: missed by [], golden records caught by [slice-threshold]',
    ]);
    expect(goldenProblems(fakeResult('caught', 90), root)).toHaveLength(2);
  });
});

describe('discovery and scaffolding', () => {
  const freshRoot = (): ScaffoldTarget & { root: string } => {
    const root = tempDir('pg-scen-');
    mkdirSync(join(root, 'scenarios'));
    return { root, dir: join(root, 'scenarios'), slug: 'my-incident', from: abs };
  };

  it('a scenario file added to the folder is found and run with no other change', async () => {
    const t = freshRoot();
    writeFileSync(
      join(t.dir, 'added.scenario.ts'),
      blankScenario({ ...t, slug: 'added' }).replace(
        "'fixtures/models/resnet_tiny_op17.onnx'",
        JSON.stringify(join(src, '../fixtures/models/resnet_tiny_op17.onnx')),
      ),
    );
    writeFileSync(join(t.dir, 'notes.ts'), 'export const x = 1;\n');
    const found = await discoverScenarios(t.dir);
    expect(found.map((f) => f.scenario.id)).toEqual(['added']);
    const r = await runScenario(found[0].scenario, { root: t.root });
    // The blank template prunes correctly in both variants: the faulty one is (rightly) not caught until filled in.
    expect(r.variants.faulty.verdict).toBe('missed');
    expect(r.variants.fixed.verdict).toBe('pass');
  });

  it('`scenario new` scaffolds once and refuses to overwrite', async () => {
    const t = freshRoot();
    const a = io();
    expect(await main(['scenario', 'new', 'my-incident', '--root', t.root], a.io)).toBe(0);
    expect(readFileSync(join(t.dir, 'my-incident.scenario.ts'), 'utf8')).toContain("id: 'my-incident'");
    const b = io();
    expect(await main(['scenario', 'new', 'my-incident', '--root', t.root], b.io)).toBe(2);
    expect(b.err.join('')).toContain('already exists');
    expect(await main(['scenario', 'new', 'Bad Slug', '--root', t.root], io().io)).toBe(2);
  });

  it(
    'a failing property counterexample becomes a scenario that rebuilds its graph: faulty caught, ' + 'fixed passes',
    async () => {
      const fault = faultById('skip-projection-not-updated')!;
      const [r] = await runSelftest({ faults: [fault], runs: 60, seed: 3 });
      expect(r.counterexample).toBeDefined();
      const t = freshRoot();
      const file = await saveCounterexampleScenario(t, fault.id, r.counterexample!.seed, r.counterexample!.path);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(`pruneguard selftest --fault ${fault.id} --seed 3 --path`);
      const result = await runScenario(await loadScenario(file), { root: t.root });
      expect(result.variants.faulty.verdict).toBe('caught');
      expect(result.variants.fixed.verdict).toBe('pass');
      await expect(
        saveCounterexampleScenario(t, fault.id, r.counterexample!.seed, r.counterexample!.path),
      ).rejects.toThrow('already exists');
    },
  );

  it('rejects a scenario with missing parts, listing every problem', () => {
    expect(() => defineScenario({ id: 'Bad', failureMode: 'nope' } as never)).toThrow(
      /id must be kebab-case; title is missing; incident is missing; failureMode must be one of .*; variants is/,
    );
    const almost = {
      ...{ id: 'ok-id', title: 't', failureMode: 'shape-mismatch', model: 'm.onnx', check: () => [] },
      incident: { source: 's', date: '2024', summary: '' },
      variants: { faulty: { summary: 'f' }, fixed: { summary: 'x', plan: {} } },
      mustCatch: [],
    };
    expect(() => defineScenario(almost as never)).toThrow(
      "scenario 'ok-id': incident.summary must be a non-empty string; variants.faulty: needs a plan or make(); " +
        'mustCatch must name at least one invariant or gate',
    );
  });

  it('shards split a list so that every item runs exactly once', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    const all = [1, 2, 3].flatMap((i) => inShard(items, { index: i, count: 3 }));
    expect(all.sort()).toEqual(items);
    expect(() => parseShard('4/3')).toThrow('--shard must be i/n');
  });
});
