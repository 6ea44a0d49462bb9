import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTemporaries, temporaryFor } from './temporaries.js';
import { stagingFolderFor, writeFileAtomic } from './write-atomic.js';
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

describe('stagingFolderFor', () => {
  it("is a temporary beside the path that removes a dead run's folder; a place taking no folder is exit 2", () => {
    const dir = tempDir('pg-stage-');
    const dead = join(dir, '.out.onnx.2147483646-0badc0de.pruneguard-tmp');
    mkdirSync(dead);
    writeFileSync(join(dead, 'out.onnx'), 'left by a killed run');
    const stage = stagingFolderFor(join(dir, 'out.onnx'));
    expect(readdirSync(dir)).toEqual([stage.slice(dir.length + 1)]);
    expect(stage.slice(dir.length + 1)).toMatch(/^\.out\.onnx\.\d+-[0-9a-f]+\.pruneguard-tmp$/);
    expect(() => stagingFolderFor('/proc/out.onnx', 'pruned model')).toThrow(
      expect.objectContaining({ code: 'E_WRITE_FAILED', message: expect.stringContaining('/proc/out.onnx') }),
    );
  });
});
