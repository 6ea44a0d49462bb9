import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../onnx/save.js';
import { convModel } from '../runtime/tiny-models.test-helpers.js';
import { main, runCommand } from './main.js';
import { COMMANDS } from './commands/index.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';

async function cli(...argv: string[]) {
  let out = '',
    err = '';
  const code = await main(argv, { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n') });
  return { code, out, err };
}

const dir = tempDir('pruneguard-cli-');
const tiny = join(dir, 'tiny.onnx');
writeFileSync(tiny, saveModel(convModel()));
const fixture = 'fixtures/models/resnet_tiny_op17.onnx';

describe('pruneguard (global)', () => {
  it('prints help with every command, and refuses unknown commands with exit 2', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.out).toContain(c.name);
    expect((await cli()).code).toBe(2);
    expect(await cli('frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^pruneguard: unknown command 'frobnicate'/),
    });
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints usage and exits 0', async (name) => {
    expect((await COMMANDS.find((c) => c.name === name)!.load()).name).toBe(name);
    const r = await cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: pruneguard ${name}`));
  });
});

describe('exit codes', () => {
  it('prints the stack and exits 3 for an internal error, one line and 2 for a PruneguardError', async () => {
    let err = '';
    const io = { out: () => {}, err: (t: string) => void (err += t) };
    const base = { name: 'boom', usage: '', description: '', exitCodes: '', options: {} };
    const bug = await runCommand(
      {
        ...base,
        run: async () => {
          throw new TypeError('x is undefined');
        },
      },
      { values: {}, positionals: [] },
      io,
    );
    expect(bug).toBe(3);
    expect(err).toMatch(/internal error[\s\S]*TypeError: x is undefined\n\s+at /);
    err = '';
    const { PruneguardError } = await import('../errors.js');
    const bad = await runCommand(
      {
        ...base,
        run: async () => {
          throw new PruneguardError('E_BAD_DATA', 'a.npz:\n  bad');
        },
      },
      { values: {}, positionals: [] },
      io,
    );
    expect([bad, err]).toEqual([2, 'pruneguard boom: a.npz: bad']);
  });
});

describe('pruneguard inspect', () => {
  it('reports inputs, outputs, parameters, ops and the shape of every value as JSON', async () => {
    const r = await cli('inspect', tiny, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3, 8, 8] }]);
    expect(s.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch', 5] }]);
    expect(s.parameters).toBe(4 * 3 * 9 + 4 + 4 * 3 + 5 * 4 + 5);
    expect(s.ops).toEqual({ Add: 1, Conv: 2, Flatten: 1, Gemm: 1, GlobalAveragePool: 1, Relu: 1 });
    expect(s.values.sum).toEqual({ dtype: 'float32', shape: ['batch', 4, 8, 8] });
    expect(s.values['c1.w']).toEqual({ dtype: 'float32', shape: [4, 3, 3, 3], constant: true });
    expect(s.broadcasts).toEqual(expect.any(Array));
    expect(s.problems).toEqual([]);
  });

  it('fixes input dims with --shape', async () => {
    const s = JSON.parse((await cli('inspect', tiny, '--shape', 'x=2,3,8,8', '--json')).out);
    expect(s.values.flat.shape).toEqual([2, 4]);
    const text = await cli('inspect', tiny, '--shape', 'x=2,3,8,8');
    expect(text.out).toMatch(/^\s+flat\s+float32\s+\[2,4\]$/m);
  });

  it.each([
    [['inspect', join(dir, 'missing.onnx')], /missing\.onnx: cannot read model/],
    [['inspect', 'package.json'], /package\.json: not a valid ONNX model/],
    [['inspect'], /expected one model file, got none/],
    [['inspect', tiny, '--shape', 'y=1'], /no input 'y' \(inputs: x\)/],
    [['inspect', tiny, '--shape', 'x=1,3'], /rank 4/],
    [['inspect', tiny, '--shape', 'x=1,3,8,-8'], /non-negative integers/],
    [['inspect', tiny, '--shape', 'x'], /expected NAME=D0,D1/],
    [['inspect', tiny, '--frob'], /Unknown option '--frob'/],
  ])('exits 2 with one line for bad input: %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^pruneguard inspect: /);
    expect(r.err).toMatch(message);
  });

  it('exits 2 naming the file for truncated and corrupted models', async () => {
    const bytes = saveModel(convModel());
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    const r = await cli('inspect', truncated);
    expect(r).toMatchObject({ code: 2, err: expect.stringContaining(`${truncated}: not a valid ONNX model`) });
  });

  it('inspects the quick-start fixture', async () => {
    const r = await cli('inspect', fixture);
    expect(r.code).toBe(0);
    expect(r.out).toContain('inputs:     input  float32 [batch,3,32,32]');
    expect(readFileSync(fixture).length).toBeGreaterThan(0);
  });
});
