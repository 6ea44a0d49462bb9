/**
 * Data safety: for every command and every output option, outputs aimed at a
 * new file, a user's file, the command's own inputs (directly, through a hard
 * link, a symlink, `./..`), a directory, /dev/null, a FIFO and a path under a
 * file, with and without --force. Nothing the user did not ask to replace may
 * change (kind, inode and bytes of every file in the workspace are compared),
 * no temporary may be left, a refusal is exit 2 with one line naming the path.
 * The figures (cases, exits, data-loss cases) print at the end for the README.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FOLDER_MARKER } from '../../src/fs/owned-folder.js';
import { makePart } from '../../src/report/part.js';
import { versions } from '../../src/scenarios/versions.js';
import {
  damaged,
  FILE_TARGETS,
  leftoverTemporaries,
  makeWorkspace,
  snapshot,
  type InputKind,
  type Workspace,
} from './workspace.js';

interface OutputOption {
  command: string;
  /** The argv writing to `target`; `extra` files it also writes on purpose (a cache). */
  argv: (w: Workspace, target: string) => { argv: string[]; extra?: string[] };
  /** The command has --force for this output. */
  forceable: boolean;
  /** Its inputs besides the model. */
  inputs: InputKind[];
  /** Succeeding means minutes of work (run): only refusals are exercised. */
  refusalsOnly?: boolean;
}

const sensitivity = (w: Workspace, option: string[], target: string) => {
  const cache = join(w.dir, 'sens-cache.json');
  return {
    argv: [
      'sensitivity',
      w.model,
      '--data',
      w.data,
      '--ratios',
      '0.5',
      ...option,
      target,
      ...(option[0] === '--cache' ? [] : ['--cache', cache]),
    ],
    extra: [cache],
  };
};

const OPTIONS: Record<string, OutputOption> = {
  'prune -o': {
    command: 'prune',
    inputs: ['plan'],
    forceable: true,
    argv: (w, t) => ({ argv: ['prune', w.model, '--plan', w.plan, '-o', t] }),
  },
  'check --report': {
    command: 'check',
    inputs: ['plan', 'data'],
    forceable: true,
    argv: (w, t) => ({
      argv: ['check', '--dense', w.model, '--pruned', w.model, '--plan', w.plan, '--data', w.data, '--report', t],
    }),
  },
  'sensitivity --report': {
    command: 'sensitivity',
    inputs: ['data'],
    forceable: true,
    argv: (w, t) => sensitivity(w, ['--report'], t),
  },
  'sensitivity --plot': {
    command: 'sensitivity',
    inputs: ['data'],
    forceable: true,
    argv: (w, t) => sensitivity(w, ['--plot'], t),
  },
  'sensitivity --plan-out': {
    command: 'sensitivity',
    inputs: ['data'],
    forceable: true,
    argv: (w, t) => sensitivity(w, ['--target', '0.1', '--plan-out'], t),
  },
  'sensitivity --cache': {
    command: 'sensitivity',
    inputs: ['data'],
    forceable: false,
    argv: (w, t) => sensitivity(w, ['--cache'], t),
  },
  'run --shard --part': {
    command: 'run',
    inputs: [],
    forceable: false,
    refusalsOnly: true,
    argv: (w, t) => ({ argv: ['run', '--root', w.dir, '--shard', '1/1', '--part', t] }),
  },
};

function capture() {
  const out: string[] = [],
    err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const figures = { cases: 0, exits: {} as Record<number, number>, dataLoss: 0, leftovers: 0 };
const count = (code: number) => {
  figures.cases++;
  figures.exits[code] = (figures.exits[code] ?? 0) + 1;
};
afterAll(() =>
  console.log(
    `[data-safety] ${figures.cases} cases; exits ${JSON.stringify(figures.exits)}; ` +
      `data-loss cases: ${figures.dataLoss}; temporaries left: ${figures.leftovers}`,
  ),
);

describe('data safety: file outputs', () => {
  for (const [label, option] of Object.entries(OPTIONS)) {
    for (const target of FILE_TARGETS) {
      for (const force of [false, true]) {
        const isInput = target.input !== undefined && option.inputs.includes(target.input);
        const allowed = !!target.isNew || (force && option.forceable && target.allowedWithForce && !isInput);
        if (option.refusalsOnly && (allowed || target.refusedAtWrite)) continue;
        it(
          `${label} → ${target.name}${force ? ' --force' : ''}: ${allowed ? 'written' : 'refused, exit 2'}, ` +
            `nothing else touched`,
          async () => {
            const w = makeWorkspace();
            try {
              const path = target.make(w);
              const { argv, extra = [] } = option.argv(w, path);
              const before = snapshot(w.dir);
              const c = capture();
              const code = await main([...argv, ...(force && option.forceable ? ['--force'] : [])], c.io);
              count(code);
              const loss = damaged(before, snapshot(w.dir), allowed ? [path, ...extra] : extra);
              const left = leftoverTemporaries(w.dir);
              figures.dataLoss += loss.length ? 1 : 0;
              figures.leftovers += left.length;
              expect(loss, 'files changed without being asked').toEqual([]);
              expect(left).toEqual([]);
              expect(lstatSync('/dev/null').isCharacterDevice(), '/dev/null is still a character device').toBe(true);
              if (allowed) {
                expect([0, 1], c.err.join('\n')).toContain(code); // written; check may have findings (exit 1)
                expect(lstatSync(path).isFile(), `${path} is a regular file`).toBe(true);
              } else {
                expect(code, c.err.join('\n')).toBe(2);
                expect(c.err.join('\n').split('\n')).toHaveLength(1);
                expect(c.err[0]).toContain(path);
              }
            } finally {
              rmSync(w.dir, { recursive: true, force: true });
            }
          },
        );
      }
    }
  }

  it('sensitivity: two outputs naming one file are refused before any work', async () => {
    const w = makeWorkspace();
    const c = capture();
    const t = join(w.dir, 'same.json');
    expect(await main(['sensitivity', w.model, '--data', w.data, '--report', t, '--plot', t], c.io)).toBe(2);
    expect(existsSync(t)).toBe(false);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('scenario new: an existing scenario file is never replaced', async () => {
    const w = makeWorkspace();
    mkdirSync(join(w.dir, 'scenarios'));
    const file = join(w.dir, 'scenarios', 'mine.scenario.ts');
    writeFileSync(file, '// hand-written\n');
    const c = capture();
    expect(await main(['scenario', 'new', 'mine', '--root', w.dir], c.io)).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('// hand-written\n');
    rmSync(w.dir, { recursive: true, force: true });
  });
});

interface FolderTarget {
  name: string;
  make: (w: Workspace) => string;
  ok: boolean;
}

const FOLDER_TARGETS: FolderTarget[] = [
  { name: 'a new folder', make: (w) => join(w.dir, 'reports'), ok: true },
  {
    name: 'an empty folder',
    make: (w) => {
      const p = join(w.dir, 'empty');
      mkdirSync(p);
      return p;
    },
    ok: true,
  },
  {
    name: "pruneguard's folder holding a user's extra file",
    make: (w) => {
      const p = join(w.dir, 'ours');
      mkdirSync(p);
      writeFileSync(join(p, FOLDER_MARKER), '');
      writeFileSync(join(p, 'keep.txt'), 'mine');
      return p;
    },
    ok: true,
  },
  { name: "a user's non-empty folder", make: (w) => w.userFolder, ok: false },
  { name: 'the project itself (--out .)', make: (w) => w.dir, ok: false },
  { name: 'a file', make: (w) => w.userFile, ok: false },
  { name: '/dev/null', make: () => '/dev/null', ok: false },
  {
    name: 'a symlink to a folder',
    make: (w) => {
      const p = join(w.dir, 'linked');
      symlinkSync(w.userFolder, p);
      return p;
    },
    ok: false,
  },
  {
    name: 'a FIFO',
    make: (w) => {
      const p = join(w.dir, 'fifo');
      execFileSync('mkfifo', [p]);
      return p;
    },
    ok: false,
  },
];

describe('data safety: report folders', () => {
  for (const command of ['report', 'run']) {
    for (const target of FOLDER_TARGETS) {
      if (command === 'run' && target.ok) continue; // a successful run takes minutes; `report` writes the same way
      it(
        `${command} --out ${target.name}: ` +
          `${target.ok ? 'written, nothing else touched' : 'refused, exit 2, untouched'}`,
        async () => {
          const w = makeWorkspace();
          try {
            const part = join(w.dir, 'part.json');
            writeFileSync(
              part,
              JSON.stringify(
                makePart({ shard: 'main', versions: versions(), scenarios: [], properties: [], faults: [], ms: 1 }),
              ),
            );
            const out = target.make(w);
            const before = snapshot(w.dir);
            const c = capture();
            const argv =
              command === 'report'
                ? ['report', '--merge', part, '--out', out, '--root', w.dir]
                : ['run', '--root', w.dir, '--out', out];
            const code = await main(argv, c.io);
            count(code);
            const after = snapshot(w.dir);
            const loss = damaged(before, after);
            figures.dataLoss += loss.length ? 1 : 0;
            expect(loss, 'files changed without being asked').toEqual([]);
            expect(leftoverTemporaries(w.dir)).toEqual([]);
            if (target.ok) {
              expect(code, c.err.join('\n')).toBe(0);
              expect(existsSync(join(out, FOLDER_MARKER)), `${join(out, FOLDER_MARKER)} exists`).toBe(true);
              expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).ok).toBeDefined();
            } else {
              expect(code, c.err.join('\n')).toBe(2);
              expect(c.err).toHaveLength(1);
              expect(c.err[0]).toContain(out);
            }
          } finally {
            rmSync(w.dir, { recursive: true, force: true });
          }
        },
      );
    }
  }
});
