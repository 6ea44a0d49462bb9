/**
 * Temporary folders for tests, removed when the test file that made them finishes.
 * The removal is registered per test file by `vitest.setup.ts`: test files share this module
 * (vitest runs with `isolate: false`), so a hook registered here at import would run after the
 * first importing file only and leave every later file's folders behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A fresh folder under the OS temp dir, removed after the calling test file's tests. */
export function tempDir(prefix = 'pruneguard-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made so far (run after each test file's tests). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
