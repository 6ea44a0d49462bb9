/**
 * The CLI contract: `--json` always means one JSON document on stdout, for every
 * command (files are written with --out/--report/--plan-out/--plot, never --json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpz } from '../data/npz.js';
import { fromNumbers } from '../ir/tensor.js';
import { saveModel } from '../onnx/save.js';
import { convModel } from '../runtime/tiny-models.test-helpers.js';
import { COMMANDS } from './commands/index.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'pruneguard-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tiny = join(dir, 'tiny.onnx');
writeFileSync(tiny, saveModel(convModel()));
const data = join(dir, 'eval.npz');
writeFileSync(
  data,
  writeNpz({
    x: fromNumbers(
      'float32',
      [4, 3, 8, 8],
      Array.from({ length: 4 * 3 * 64 }, (_, i) => Math.sin(i)),
    ),
  }),
);
// An empty project: `run`, `scenarios` and `report` have nothing slow to do in it.
const project = join(dir, 'project');
mkdirSync(join(project, 'scenarios'), { recursive: true });

/** One fast invocation of each command with --json. */
const CASES: Record<string, string[]> = {
  inspect: ['inspect', tiny, '--json'],
  prune: ['prune', tiny, '--ratio', '0.5', '-o', join(dir, 'pruned.onnx'), '--json'],
  layers: ['layers', 'fixtures/models/llama_gqa_op17.onnx', '--remove', '1', '--json'],
  check: ['check', '--dense', tiny, '--pruned', tiny, '--json'],
  sensitivity: ['sensitivity', tiny, '--data', data, '--batch', '4', '--json'],
  selftest: ['selftest', '--fault', 'batchnorm-not-sliced', '--runs', '5', '--json'],
  fuzz: [
    'fuzz',
    '--pruner',
    `"${process.execPath}" -e "process.exit(10)" {model} {plan} {out}`,
    '--runs',
    '1',
    '--families',
    'residual',
    '--json',
  ],
  run: ['run', '--root', project, '--runs', '1', '--fault-runs', '1', '--json'],
  scenarios: ['scenarios', '--root', project, '--json'],
  scenario: ['scenario', 'new', 'json-contract', '--root', join(dir, 'scaffold'), '--json'],
  report: ['report', '--merge', join(dir, 'part.json'), '--root', project, '--out', 'merged', '--json'],
  breakeven: ['breakeven', '--rows', '16', '--cols', '16', '--sparsities', '0.5', '--dense', 'typescript', '--json'],
};

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('--json prints one JSON document on stdout', () => {
  it('has a case for every command', () => {
    expect(Object.keys(CASES).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it.each(Object.entries(CASES))('%s', async (name, argv) => {
    // `report` merges a part; a one-run shard of the empty project writes one.
    if (name === 'report')
      expect(
        (
          await cli([
            'run',
            '--root',
            project,
            '--runs',
            '1',
            '--fault-runs',
            '1',
            '--shard',
            '1/1',
            '--part',
            join(dir, 'part.json'),
            '--json',
          ])
        ).code,
      ).toBeLessThanOrEqual(1);
    expect(
      (await COMMANDS.find((c) => c.name === name)!.load()).options.json?.type,
      `${name} declares --json as a flag`,
    ).toBe('boolean');
    const r = await cli(argv);
    expect(r.code, r.err).toBeLessThanOrEqual(1);
    expect(() => JSON.parse(r.out), `stdout of ${argv.join(' ')} is JSON:\n${r.out.slice(0, 400)}`).not.toThrow();
  });
});
