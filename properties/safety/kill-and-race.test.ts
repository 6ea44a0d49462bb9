/**
 * kill -9 at every write step (PRUNEGUARD_TEST_PAUSE_AT stops the writer
 * there, then the test kills it) and concurrent writers: the final path holds
 * the old file or the new one, never a torn one; the next run removes the
 * dead writer's temporaries; racing writers exit 0 or 2, never 3.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOLDER_MARKER } from '../../src/fs/owned-folder.js';
import { loadModelFile } from '../../src/onnx/load.js';
import { makePart } from '../../src/report/part.js';
import { versions } from '../../src/scenarios/versions.js';
import { runCli } from './cli-child.js';
import { makeWorkspace, type Workspace } from './workspace.js';

const paused = (s: string) => s.includes('pruneguard-test-paused');
const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.pruneguard-tmp'));

function partFile(w: Workspace): string {
  const p = join(w.dir, 'part.json');
  writeFileSync(
    p,
    JSON.stringify(makePart({ shard: 'main', versions: versions(), scenarios: [], properties: [], faults: [], ms: 1 })),
  );
  return p;
}

describe('kill -9 mid-write', () => {
  for (const step of ['partial-write', 'before-rename'] as const) {
    it(
      `prune -o over an existing file (--force), killed at ${step}: the old file stays whole; ` +
        `the next run cleans up`,
      async () => {
        const w = makeWorkspace();
        const out = join(w.dir, 'out.onnx');
        writeFileSync(out, 'the previous output');
        const args = ['prune', w.model, '--plan', w.plan, '-o', out, '--force'];
        const killed = await runCli(args, { env: { PRUNEGUARD_TEST_PAUSE_AT: step }, killWhen: paused });
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        expect(readFileSync(out, 'utf8')).toBe('the previous output');
        expect(temporaries(w.dir)).toHaveLength(1);
        const again = await runCli(args);
        expect(again.code, again.stderr).toBe(0);
        expect(temporaries(w.dir)).toEqual([]);
        expect(loadModelFile(out).graph.nodes.length).toBeGreaterThan(0);
        rmSync(w.dir, { recursive: true, force: true });
      },
    );
  }

  for (const step of ['between-files', 'before-rename'] as const) {
    it(`report --out over an earlier report, killed at ${step}: report.json stays the earlier one, whole`, async () => {
      const w = makeWorkspace();
      const part = partFile(w);
      const out = join(w.dir, 'reports');
      const args = ['report', '--merge', part, '--out', out, '--root', w.dir];
      expect((await runCli(args)).code).toBe(0);
      const earlier = readFileSync(join(out, 'report.json'), 'utf8');
      writeFileSync(join(out, 'mine.txt'), 'a file the user put there');
      const killed = await runCli(args, { env: { PRUNEGUARD_TEST_PAUSE_AT: step }, killWhen: paused });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(earlier);
      expect(existsSync(join(out, FOLDER_MARKER)), `${join(out, FOLDER_MARKER)} exists`).toBe(true);
      const again = await runCli(args);
      expect(again.code, again.stderr).toBe(0);
      expect(temporaries(out)).toEqual([]);
      expect(readFileSync(join(out, 'mine.txt'), 'utf8')).toBe('a file the user put there');
      rmSync(w.dir, { recursive: true, force: true });
    });
  }
});

describe('concurrent writers', () => {
  it('two report writers into one new folder: both exit 0, one whole report', async () => {
    const w = makeWorkspace();
    const part = partFile(w);
    const out = join(w.dir, 'reports');
    const args = ['report', '--merge', part, '--out', out, '--root', w.dir];
    const rs = await Promise.all([runCli(args), runCli(args)]);
    expect(
      rs.map((r) => r.code),
      rs.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0]);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).ok).toBeDefined();
    expect(temporaries(out)).toEqual([]);
    expect(readdirSync(w.dir).filter((f) => f.includes('pruneguard-tmp'))).toEqual([]);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it(
    'two prune writers to one new path without --force: one writes, the other exits 2 (never 3, ' +
      'never a torn file)',
    async () => {
      const w = makeWorkspace();
      const out = join(w.dir, 'out.onnx');
      const args = ['prune', w.model, '--plan', w.plan, '-o', out];
      const rs = await Promise.all([runCli(args), runCli(args)]);
      const codes = rs.map((r) => r.code);
      expect(
        codes.every((c) => c === 0 || c === 2),
        rs.map((r) => r.stderr).join('\n'),
      ).toBe(true);
      expect(codes).toContain(0);
      expect(loadModelFile(out).graph.nodes.length).toBeGreaterThan(0);
      expect(temporaries(w.dir)).toEqual([]);
      rmSync(w.dir, { recursive: true, force: true });
    },
  );
});
