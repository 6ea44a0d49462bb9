import { beforeAll, describe, expect, it } from 'vitest';
import type { Command } from './command.js';
import { commandHelp } from './command.js';
import { COMMANDS } from './commands/index.js';
import { opt, optionsHelp, parseOptions } from './options.js';

const misuse = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'accepted';
};

describe('typed options', () => {
  let commands: Command[] = [];
  beforeAll(async () => {
    commands = await Promise.all(COMMANDS.map((c) => c.load()));
  });

  it('a seed is any integer in [0, 2^31 - 1], 0 included, in every command that takes one', () => {
    const seed = opt.seed('seed', 1);
    expect([seed.parse('0', '--seed'), seed.parse('42', '--seed'), seed.parse(undefined, '--seed')]).toEqual([
      0, 42, 1,
    ]);
    expect(misuse(() => seed.parse('-1', '--seed'))).toBe(
      "E_BAD_ARGUMENT: --seed must be an integer in [0, 2147483647], got '-1'",
    );
    expect(misuse(() => seed.parse('1.5', '--seed'))).toMatch(/got '1\.5'/);
    expect(misuse(() => seed.parse('', '--seed'))).toMatch(/got ''/);
    const seeded = commands.filter((c) => 'seed' in c.options).map((c) => c.name);
    expect(seeded).toEqual(expect.arrayContaining(['run', 'selftest', 'scenario']));
    for (const name of seeded) {
      const c = commands.find((x) => x.name === name)!;
      expect(
        misuse(() => parseOptions(c.options, { seed: '0' })),
        `${name} --seed 0`,
      ).toBe('accepted');
    }
  });

  it('counts are integers >= 1; integers keep their range', () => {
    const runs = opt.count('runs', 25);
    expect([runs.parse('3', '--runs'), runs.parse(undefined, '--runs')]).toEqual([3, 25]);
    expect(misuse(() => runs.parse('0', '--runs'))).toBe("E_BAD_ARGUMENT: --runs must be an integer >= 1, got '0'");
    const rows = opt.integer('N', 'rows', { min: 1, max: 16384, default: 768 });
    expect(misuse(() => rows.parse('16385', '--rows'))).toBe(
      "E_BAD_ARGUMENT: --rows must be an integer in [1, 16384], got '16385'",
    );
    expect(opt.integer('N', 'batch', { min: 1 }).parse(undefined, '--batch')).toBeUndefined();
  });

  it('ratios are shares in (0, 1), or [0, 1) where zero means something; lists refuse empty items', () => {
    expect(opt.ratio('R', 'r').parse('0.3', '--target')).toBe(0.3);
    expect(misuse(() => opt.ratio('R', 'r').parse('0', '--target'))).toBe(
      "E_BAD_ARGUMENT: --target must be a number in (0, 1), got '0'",
    );
    expect(opt.ratio('R', 'r', { zero: true }).parse('0', '--ratio')).toBe(0);
    expect(misuse(() => opt.ratio('R', 'r', { zero: true }).parse('1', '--ratio'))).toMatch(/\[0, 1\), got '1'/);
    const ratios = opt.ratios('R1,R2', 'r', [0.2]);
    expect([ratios.parse('0.2, 0.5', '--ratios'), ratios.parse(undefined, '--ratios')]).toEqual([[0.2, 0.5], [0.2]]);
    expect(misuse(() => ratios.parse('0.2,,0.5', '--ratios'))).toMatch(/without empty items/);
  });

  it('choices, paths and shapes', () => {
    const c = opt.choice(['l1', 'l2'], 'criterion', 'l1');
    expect([c.parse('l2', '--criterion'), c.parse(undefined, '--criterion')]).toEqual(['l2', 'l1']);
    expect(misuse(() => c.parse('l3', '--criterion'))).toBe(
      "E_BAD_ARGUMENT: --criterion must be one of l1, l2, got 'l3'",
    );
    expect(misuse(() => opt.path('FILE', 'f').parse('', '--plan'))).toMatch(/--plan must be a path/);
    expect(opt.shapes('s').parse(['x=1,3', 'y='], '--shape')).toEqual(['x=1,3', 'y=']);
    expect(misuse(() => opt.shapes('s').parse(['x=1,-3'], '--shape'))).toMatch(/non-negative integers/);
  });

  it('help is generated from the declarations: every option of every command has its line', () => {
    expect(optionsHelp({ runs: opt.count('cases per property', 25), out: opt.path('DIR', 'where', 'o') })).toBe(
      [
        '  --runs N       cases per property (default 25)',
        '  -o, --out DIR  where',
        '  -h, --help     show this help',
      ].join('\n'),
    );
    for (const c of commands) {
      const help = commandHelp(c);
      for (const [name, o] of Object.entries(c.options))
        expect(help, `${c.name} --${name}`).toContain(`--${name}${o.placeholder ? ` ${o.placeholder}` : ''}`);
    }
  });
});
