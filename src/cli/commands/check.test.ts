/**
 * `pruneguard check` on the seed's incidents, from the command line: verdicts and
 * exit codes measured here, in the same test (never pasted numbers).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpz, readArraysFile } from '../../data/npz.js';
import { GraphBuilder } from '../../ir/builder/index.js';
import { fromNumbers } from '../../ir/tensor.js';
import { saveModelFile } from '../../onnx/save.js';
import { analyzeGroups } from '../../prune/groups.js';
import { faultById } from '../../faults/index.js';
import { ratioPlan } from '../../prune/plan-resolve.js';
import { prune } from '../../prune/prune.js';
import {
  DIGITS,
  DIGITS_DATA,
  LONGRANGE,
  LONGRANGE_DATA,
  prunedDigits,
  root,
  tempDir,
  writeLongrangeWithout,
  writeShortOnly,
} from '../../gate/incidents.test-helpers.js';
import { main } from '../main.js';

const dir = tempDir();

async function check(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['check', ...argv], { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The verdict line of a mode: PASS | FAIL | SKIPPED. */
const verdict = (out: string, mode: string) => out.match(new RegExp(`^(PASS|FAIL|SKIPPED)\\s+${mode}\\b`, 'm'))?.[1];
/** dense, pruned and drop of a slice from the printed table. */
function slice(out: string, name: string) {
  const m = out.match(
    new RegExp(`^  ${name}\\s+n=\\s*(\\d+)\\s+dense\\s+([\\d.]+)\\s+pruned\\s+([\\d.]+)\\s+drop\\s+(-?[\\d.]+)`, 'm'),
  );
  if (!m) throw new Error(`no slice ${name} in\n${out}`);
  return { n: Number(m[1]), dense: Number(m[2]), pruned: Number(m[3]), drop: Number(m[4]) };
}

describe('incident (a): digits CNN, 45% of the early layers vs a sensitivity-aware plan', () => {
  let heavy: { plan: string; pruned: string };
  let aware: { plan: string; pruned: string };
  beforeAll(() => {
    heavy = prunedDigits(dir, 'earlyHeavy');
    aware = prunedDigits(dir, 'sensitivityAware');
  });

  it('early-heavy: the rare slice collapses, the monotone gate and caps fail; exit 1', async () => {
    const r = await check('--dense', DIGITS, '--pruned', heavy.pruned, '--plan', heavy.plan, '--data', DIGITS_DATA);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(verdict(r.out, 'slice-regression')).toBe('FAIL');
    expect(verdict(r.out, 'accuracy-cliff')).toBe('FAIL');
    expect(verdict(r.out, 'shape-mismatch')).toBe('PASS');
    const rare = slice(r.out, 'rare');
    expect(rare.n).toBe(70);
    expect(rare.drop).toBeGreaterThan(20); // measured 78.6 → 4.3: far beyond any reasonable threshold
    expect(r.out).toMatch(
      /conv1\.weight#0 \(sensitivity [\d.]+\) is pruned 45\.0%, more than the less sensitive fc1\.weight#0/,
    );
    expect(r.out).toMatch(/conv1\.weight#0 is pruned 45\.0%, over its earlyConv cap of 20\.0%/);
  });

  it(
    'sensitivity-aware (only the least sensitive group, fc1 50%): every mode passes or is skipped; ' + 'exit 0',
    async () => {
      const r = await check(
        '--dense',
        DIGITS,
        '--pruned',
        aware.pruned,
        '--plan',
        aware.plan,
        '--data',
        DIGITS_DATA,
        '--report',
        join(dir, 'aware.json'),
      );
      expect(r.code).toBe(0);
      expect(verdict(r.out, 'slice-regression')).toBe('PASS');
      expect(verdict(r.out, 'accuracy-cliff')).toBe('PASS');
      expect(slice(r.out, 'rare').drop).toBeLessThanOrEqual(2);
      expect(slice(r.out, 'all').drop).toBeLessThanOrEqual(2);
      const report = JSON.parse(readFileSync(join(dir, 'aware.json'), 'utf8'));
      expect(report).toMatchObject({ pass: true });
      expect(report.verdicts['hardware-headroom'].status).toBe('skipped');
      // The profile behind the monotone gate: early groups measured more sensitive than the classifier.
      const s = Object.fromEntries(
        report.measurements.budget.profile.entries.map((e: { group: string; sensitivity: number }) => [
          e.group,
          e.sensitivity,
        ]),
      );
      expect(s['conv1.weight#0']).toBeGreaterThan(s['fc1.weight#0']);
      expect(s['conv2.weight#0']).toBeGreaterThan(s['fc1.weight#0']);
    },
  );
});

describe('incident (b): a skip projection left at its old width', () => {
  let files: { dense: string; faulty: string; correct: string; plan: string };
  beforeAll(() => {
    const b = new GraphBuilder({ seed: 3, opset: 17 });
    const x = b.input('x', 'float32', ['batch', 3, 8, 8]);
    b.output(b.gemm(b.flatten(b.globalAveragePool(b.resBlock(b.convBnAct(x, 8), 16, { stride: 2 }))), 10), 'logits');
    const dense = b.build();
    const plan = ratioPlan(analyzeGroups(dense), 0.5);
    files = {
      dense: join(dir, 'res.onnx'),
      faulty: join(dir, 'res_faulty.onnx'),
      correct: join(dir, 'res_correct.onnx'),
      plan: join(dir, 'res.plan.json'),
    };
    saveModelFile(dense, files.dense);
    saveModelFile(faultById('skip-projection-not-updated')!.prune(dense, plan), files.faulty);
    saveModelFile(prune(dense, plan).model, files.correct);
    writeFileSync(files.plan, JSON.stringify(plan));
  });

  it('the faulty pruning fails shape-mismatch; exit 1', async () => {
    const r = await check('--dense', files.dense, '--pruned', files.faulty, '--plan', files.plan);
    expect(r.code).toBe(1);
    expect(verdict(r.out, 'shape-mismatch')).toBe('FAIL');
    expect(r.out).toMatch(/\[(shape-consistency|no-silent-broadcast|mask-equivalence)\]/);
    for (const mode of [
      'accuracy-cliff',
      'slice-regression',
      'hardware-headroom',
      'nm-nonconformance',
      'quantization-compounding',
    ])
      expect(verdict(r.out, mode)).toBe('SKIPPED');
  });

  it('the correct pruning passes; exit 0', async () => {
    const r = await check('--dense', files.dense, '--pruned', files.correct, '--plan', files.plan);
    expect(r.code).toBe(0);
    expect(verdict(r.out, 'shape-mismatch')).toBe('PASS');
    expect(r.out).toMatch(/mask-equivalence at x=\[1,3,8,8\]/);
  });
});

describe('incident (c): the long-range head of a transformer vs a redundant head', () => {
  let files: { global: string; local: string; short: string };
  beforeAll(() => {
    files = {
      global: writeLongrangeWithout(dir, 0, 3),
      local: writeLongrangeWithout(dir, 0, 0),
      short: writeShortOnly(dir),
    };
  });

  it('without the global head: the aggregate on short data passes, the long slice fails', async () => {
    const shortOnly = await check('--dense', LONGRANGE, '--pruned', files.global, '--data', files.short);
    expect(shortOnly.code).toBe(0);
    expect(slice(shortOnly.out, 'all').drop).toBeLessThanOrEqual(2);
    const r = await check('--dense', LONGRANGE, '--pruned', files.global, '--data', LONGRANGE_DATA);
    expect(r.code).toBe(1);
    expect(verdict(r.out, 'slice-regression')).toBe('FAIL');
    expect(slice(r.out, 'short').drop).toBeLessThanOrEqual(2);
    expect(slice(r.out, 'long').drop).toBeGreaterThan(20); // measured 100 → 25.3
    expect(r.out).toMatch(/slice 'long' \(400 examples\)/);
    expect(r.out).not.toMatch(/slice 'short'/);
  });

  it('without a redundant local head: both slices pass; exit 0', async () => {
    const r = await check('--dense', LONGRANGE, '--pruned', files.local, '--data', LONGRANGE_DATA);
    expect(r.code).toBe(0);
    for (const s of ['short', 'long', 'all']) expect(slice(r.out, s).drop).toBeLessThanOrEqual(2);
  });
});

describe('incident (d): bad input exits 2 with one line naming the file', () => {
  const oneLine = (err: string) => expect(err.trimEnd().split('\n')).toHaveLength(1);

  it('a missing model file', async () => {
    const r = await check('--dense', join(dir, 'absent.onnx'), '--pruned', DIGITS);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/^pruneguard check: .*absent\.onnx/);
  });

  it('data whose arrays do not match the model inputs', async () => {
    const r = await check('--dense', DIGITS, '--pruned', DIGITS, '--data', LONGRANGE_DATA);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/longrange_eval\.npz: evaluation data does not match the model: .*missing input 'input'/);
  });

  it('an empty slice', async () => {
    const arrays = readArraysFile(DIGITS_DATA);
    const n = arrays.get('labels')!.dims[0];
    arrays.set('slice_empty', fromNumbers('bool', [n], new Array(n).fill(0)));
    const path = join(dir, 'empty_slice.npz');
    writeFileSync(path, writeNpz(arrays));
    const r = await check('--dense', DIGITS, '--pruned', DIGITS, '--data', path);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/empty_slice\.npz: .*slice 'empty' is empty \(0 of 719 examples\)/);
  });

  it('a corrupt config, every problem on one line', async () => {
    const path = join(dir, 'bad.config.json');
    writeFileSync(path, JSON.stringify({ slices: [{ name: 'rare', maxDrop: -1 }], latency: { claimedSpeedup: 2 } }));
    const r = await check('--dense', DIGITS, '--pruned', DIGITS, '--config', path);
    expect(r.code).toBe(2);
    oneLine(r.err);
    expect(r.err).toMatch(/bad\.config\.json: 2 config problems: slices\[0\]\.maxDrop: .*; latency\.claimedAtBatch: /);
    writeFileSync(path, '{ not json');
    expect((await check('--dense', DIGITS, '--pruned', DIGITS, '--config', path)).err).toMatch(
      /bad\.config\.json: config is not valid JSON/,
    );
  });

  it('a config slice the data lacks, and a plan that does not fit the model', async () => {
    const cfg = join(dir, 'lengths.config.json');
    writeFileSync(cfg, JSON.stringify({ slices: [{ name: 'long', lengths: [48, 64] }] }));
    const r = await check('--dense', DIGITS, '--pruned', DIGITS, '--data', DIGITS_DATA, '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/digits_eval\.npz: slice 'long' selects by length but the data has no <input>_lengths array/);
    const plan = join(dir, 'wrong.plan.json');
    writeFileSync(plan, JSON.stringify({ channels: [{ group: 'nope#0', ratio: 0.5 }] }));
    const p = await check('--dense', DIGITS, '--pruned', DIGITS, '--plan', plan);
    expect(p.code).toBe(2);
    oneLine(p.err);
    expect(p.err).toMatch(/wrong\.plan\.json: .*nope#0/);
  });

  it('never writes the report over an input', async () => {
    const r = await check('--dense', DIGITS, '--pruned', DIGITS, '--report', DIGITS);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing to write the check report over the input/);
  });

  it('replaces an earlier check report, but no other existing file unless --force', async () => {
    const path = join(dir, 'notes.json');
    writeFileSync(path, '{"mine": true}\n');
    const refused = await check('--dense', DIGITS, '--pruned', DIGITS, '--report', path);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/notes\.json exists and is not pruneguard.s check report \(use --force/);
    expect(readFileSync(path, 'utf8')).toBe('{"mine": true}\n');
    expect((await check('--dense', DIGITS, '--pruned', DIGITS, '--report', path, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).kind).toBe('pruneguard-check-report');
    expect((await check('--dense', DIGITS, '--pruned', DIGITS, '--report', path)).code).toBe(0);
  });
});

describe('as a real process', () => {
  // What bin/pruneguard.js does with dist/, on the sources (see src/cli/process.test.ts).
  const entry = join(dir, 'pruneguard.mjs');
  writeFileSync(
    entry,
    `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\nprocess.exitCode = await ` +
      `main(process.argv.slice(2));\n`,
  );
  const run = (...argv: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', entry, 'check', ...argv], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('exit 1 for the long-range head, exit 2 for a missing file', () => {
    const bad = run('--dense', LONGRANGE, '--pruned', writeLongrangeWithout(dir, 0, 3), '--data', LONGRANGE_DATA);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL\s+slice-regression/m);
    const missing = run('--dense', LONGRANGE, '--pruned', join(dir, 'nothing.onnx'));
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^pruneguard check: .*nothing\.onnx/)]);
  });
});
