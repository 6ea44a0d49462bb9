/**
 * Atomic writes. A report folder is written into a sibling temp folder and
 * renamed over the old one at the end, so a run that dies half-way never
 * leaves a report that looks complete (it leaves the previous one, or none).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `files` (name → content) as the whole content of `dir`, atomically. */
export function writeDirAtomic(dir: string, files: Record<string, string>): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), content);
    }
    let moved = false;
    try {
      renameSync(dir, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    renameSync(tmp, dir);
    if (moved) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Writes one file atomically (temp file + rename). */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
