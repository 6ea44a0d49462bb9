/** The real process: exit codes and stderr as a shell sees them (slow, so only a few cases). */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../onnx/save.js';
import { convModel } from '../runtime/tiny-models.test-helpers.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';

const root = resolve(import.meta.dirname, '../..');
const dir = tempDir('pruneguard-proc-');
// What bin/pruneguard.js does with dist/, done on the sources (an -e script cannot take an 'inspect' argument: node
// starts its debugger).
const entry = join(dir, 'pruneguard.mjs');
writeFileSync(
  entry,
  `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\nprocess.exitCode = await ` +
    `main(process.argv.slice(2));\n`,
);

function pruneguard(...argv: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...argv], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const good = saveModel(convModel());
const flipped = good.slice();
for (let i = 0; i < flipped.length; i += 7) flipped[i] ^= 0x5a;
const cases: [string, Uint8Array][] = [
  ['truncated', good.subarray(0, 40)],
  ['flipped', flipped],
  ['random', Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 17) & 0xff)],
];

describe('pruneguard as a process', () => {
  it('exits 0 and prints the inventory for a good model', () => {
    const path = join(dir, 'good.onnx');
    writeFileSync(path, good);
    const r = pruneguard('inspect', path);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Conv ×2');
  });

  it.each(cases)('exits 2 with one stderr line and no stack for a %s model', (name, bytes) => {
    const path = join(dir, `${name}.onnx`);
    writeFileSync(path, bytes);
    const r = pruneguard('inspect', path, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^pruneguard inspect: ${path.replace(/[.\\/]/g, '\\$&')}: `)),
    ]);
    expect(r.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(readFileSync(path)).toEqual(Buffer.from(bytes)); // never rewritten
  });
});
