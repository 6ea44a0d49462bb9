/**
 * pruneguard's temporary files: named so they are recognisably ours
 * (`.<name>.<pid>-<random>.pruneguard-tmp`, beside the file they become),
 * and removed by the next write to the same place once the process that made
 * them is gone (a writer killed with -9 cannot clean up after itself).
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const SUFFIX = '.pruneguard-tmp';

/** The temporary a write of `path` by this process goes through. */
export function temporaryFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}${SUFFIX}`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The temporaries of `path` this and earlier versions leave, with the pid that
 * wrote them: ours, the model writer's `out.onnx.<pid>.<ms>.tmp` and the old
 * report writer's `.reports.tmp-<pid>-<ms>` / `.reports.old-<pid>-<ms>`.
 */
function temporaryPatterns(name: string): RegExp[] {
  const n = escapeRegExp(name);
  return [
    new RegExp(`^\\.${n}\\.(\\d+)-[0-9a-f]+${escapeRegExp(SUFFIX)}$`),
    new RegExp(`^${n}\\.(\\d+)\\.\\d+\\.tmp$`),
    new RegExp(`^\\.${n}\\.(?:tmp|old)-(\\d+)-\\d+$`),
  ];
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is someone else's; leave its files alone.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporaries of `path` whose writer has died; returns what it removed. Never throws. */
export function removeStaleTemporaries(path: string): string[] {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const patterns = temporaryPatterns(basename(path));
  const removed: string[] = [];
  for (const name of names) {
    const m = patterns.map((p) => p.exec(name)).find((x) => x);
    if (!m || alive(Number(m[1]))) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    } catch {
      // Not ours to fight over: a file we cannot remove stays.
    }
  }
  return removed;
}
