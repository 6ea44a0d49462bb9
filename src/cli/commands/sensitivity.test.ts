import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpz } from '../../data/npz.js';
import { fromNumbers } from '../../ir/tensor.js';
import { main } from '../main.js';
import { progressBar } from './sensitivity-progress.js';

const root = join(import.meta.dirname, '../../..');
const model = join(root, 'fixtures/models/digits_cnn_op17.onnx');
const data = join(root, 'fixtures/data/digits_eval.npz');
const dir = mkdtempSync(join(tmpdir(), 'pg-sens-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [],
    err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('pruneguard sensitivity', () => {
  const cache = join(dir, 'cache.json');

  it('prints the profile, writes JSON, a plot and a plan that `prune` accepts', async () => {
    const c = io();
    const [json, svg, plan] = ['p.json', 'p.svg', 'plan.json'].map((f) => join(dir, f));
    expect(
      await main(
        [
          'sensitivity',
          model,
          '--data',
          data,
          '--ratios',
          '0.2,0.5',
          '--report',
          json,
          '--plot',
          svg,
          '--target',
          '0.3',
          '--plan-out',
          plan,
          '--cache',
          cache,
        ],
        c.io,
      ),
    ).toBe(0);
    const text = c.out.join('\n');
    console.log(text);
    expect(text).toMatch(/conv1\.weight#0/);
    expect(text).toMatch(/monotone gate: pass/);
    expect(JSON.parse(readFileSync(json, 'utf8')).entries).toHaveLength(3);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const p = JSON.parse(readFileSync(plan, 'utf8'));
    expect(p.version).toBe(1);
    expect(p.channels.length).toBeGreaterThan(0);
    const pruned = join(dir, 'pruned.onnx');
    expect(await main(['prune', model, '--plan', plan, '-o', pruned], io().io)).toBe(0);

    const again = io();
    expect(
      await main(
        [
          'sensitivity',
          model,
          '--data',
          data,
          '--ratios',
          '0.2,0.5',
          '--target',
          '0.3',
          '--plan-out',
          plan,
          '--cache',
          cache,
        ],
        again.io,
      ),
    ).toBe(2);
    expect(again.err.join('')).toMatch(/plan\.json exists \(use --force/);
  });

  it('bad input exits 2 with one line', async () => {
    const wrong = join(dir, 'wrong.npz');
    writeFileSync(wrong, writeNpz({ input: fromNumbers('float32', [2, 1, 4, 4], new Array(32).fill(0)) }));
    const cases: [string[], RegExp][] = [
      [['sensitivity', join(dir, 'missing.onnx'), '--data', data], /missing\.onnx/],
      [['sensitivity', model, '--data', join(dir, 'missing.npz')], /missing\.npz/],
      [['sensitivity', model, '--data', wrong], /axis 2 is 4, the model expects 8/],
      [
        ['sensitivity', model, '--data', data, '--ratios', '0.2,1.5'],
        /--ratios must be a number in \(0, 1\), got '1\.5'/,
      ],
      [['sensitivity', model], /missing --data/],
      [
        [
          'sensitivity',
          model,
          '--data',
          data,
          '--target',
          '0.3',
          '--plan-out',
          join(dir, 'x.json'),
          '--ratios',
          '0.2',
          '--criterion',
          'l3',
        ],
        /--criterion/,
      ],
    ];
    for (const [args, message] of cases) {
      const c = io();
      expect(await main(args, c.io), args.join(' ')).toBe(2);
      expect(c.err).toHaveLength(1);
      expect(c.err[0]).not.toContain('\n');
      expect(c.err[0]).toMatch(message);
    }
  });
});

describe('progress bar', () => {
  it('draws on a terminal, clears at the end, and stays silent on a pipe', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 80, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = progressBar(tty, 10);
    bar.update({ done: 1, total: 4, group: 'conv1', ratio: 0.2, cached: true });
    bar.update({ done: 4, total: 4, group: 'fc1', ratio: 0.2, cached: false });
    bar.done();
    expect(written[0]).toMatch(/\[###-------\] 1\/4 conv1 @0\.2 · 1 cached/);
    expect(written[1]).toMatch(/\[##########\] 4\/4 fc1/);
    expect(written.at(-1)).toBe('\r\x1b[2K');
    const piped: string[] = [];
    const pipe = progressBar({ isTTY: false, write: (s: string) => piped.push(s) } as unknown as NodeJS.WriteStream);
    pipe.update({ done: 1, total: 1, group: 'g', ratio: 0.2, cached: false });
    pipe.done();
    expect(piped).toEqual([]);
  });
});
