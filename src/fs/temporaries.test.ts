import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTemporaries, temporaryFor } from './temporaries.js';
import { writeFileAtomic } from './write-atomic.js';
import { tempDir } from './temp-dir.test-helpers.js';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('temporaries', () => {
  it("are named after their target and recognisably pruneguard's", () => {
    expect(temporaryFor('/a/b/out.onnx')).toMatch(
      new RegExp(`^/a/b/\\.out\\.onnx\\.${process.pid}-[0-9a-f]{8}\\.pruneguard-tmp$`),
    );
  });

  it(
    "a dead writer's temporaries (this and earlier versions' names) are removed; " +
      "a live one's and unrelated files stay",
    () => {
      const dir = tempDir('pg-tmp-');
      const target = join(dir, 'out.onnx');
      const dead = deadPid();
      const stale = [`.out.onnx.${dead}-0a1b2c3d.pruneguard-tmp`, `out.onnx.${dead}.1700000000000.tmp`];
      const kept = [
        `.out.onnx.${process.pid}-0a1b2c3d.pruneguard-tmp`,
        'out.onnx.backup',
        `.other.onnx.${dead}-0a1b2c3d.pruneguard-tmp`,
      ];
      for (const f of [...stale, ...kept]) writeFileSync(join(dir, f), 'x');
      expect(removeStaleTemporaries(target).sort()).toEqual(stale.map((f) => join(dir, f)).sort());
      expect(readdirSync(dir).sort()).toEqual([...kept].sort());
    },
  );

  it('writeFileAtomic without replace never clobbers a file that exists', () => {
    const dir = tempDir('pg-tmp-');
    const target = join(dir, 'x.json');
    writeFileSync(target, 'mine');
    expect(() => writeFileAtomic(target, 'theirs')).toThrow(/exists/);
    expect(existsSync(target) && readdirSync(dir)).toEqual(['x.json']);
  });
});
