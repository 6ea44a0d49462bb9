/**
 * A scratch project for the safety suites: real inputs (a model, data, a
 * plan), a user's files, a folder, links, a FIFO, and a snapshot of all of it
 * (kind, inode, bytes) so a test can prove nothing it did not ask for changed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const MODEL = join(ROOT, 'fixtures/models/digits_cnn_op17.onnx');
export const DATA = join(ROOT, 'fixtures/data/digits_eval.npz');

export interface Workspace {
  dir: string;
  model: string;
  data: string;
  plan: string;
  userFile: string;
  userFolder: string;
}

/** A fresh workspace with copies of the inputs and a user's file and folder. */
export function makeWorkspace(prefix = 'pg-safety-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(dir, 'model.onnx');
  const data = join(dir, 'eval.npz');
  copyFileSync(MODEL, model);
  copyFileSync(DATA, data);
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ version: 1, channels: [{ group: 'conv1.weight#0', ratio: 0.25 }] }));
  const userFile = join(dir, 'notes.txt');
  writeFileSync(userFile, 'a user file pruneguard did not create\n');
  const userFolder = join(dir, 'work');
  mkdirSync(userFolder);
  writeFileSync(join(userFolder, 'thesis.tex'), '\\documentclass{article}\n');
  return { dir, model, data, plan, userFile, userFolder };
}

/**
 * Output targets of every kind, made on demand inside the workspace; `allowedWithForce` is whether --force may replace
 * it.
 */
export type InputKind = 'model' | 'data' | 'plan';

/**
 * `allowedWithForce`: --force may replace it, unless it is `input` of the command
 * (the data file is a user's file to `prune`, an input to `sensitivity`).
 */
export interface Target {
  name: string;
  make: (w: Workspace) => string;
  allowedWithForce: boolean;
  isNew?: boolean;
  input?: InputKind;
  /** Refused only when the write is tried (nothing can tell before): not for refusal-only options. */
  refusedAtWrite?: boolean;
}

export const FILE_TARGETS: Target[] = [
  { name: 'a new file', make: (w) => join(w.dir, 'out', 'new.out'), allowedWithForce: true, isNew: true },
  { name: "a user's existing file", make: (w) => w.userFile, allowedWithForce: true },
  { name: 'the input model', make: (w) => w.model, allowedWithForce: false },
  { name: 'the data file', make: (w) => w.data, allowedWithForce: true, input: 'data' },
  { name: 'the plan file', make: (w) => w.plan, allowedWithForce: true, input: 'plan' },
  { name: 'a hard link to the input model', make: (w) => hardLink(w, w.model), allowedWithForce: false },
  { name: 'a symlink to the input model', make: (w) => symLink(w, w.model), allowedWithForce: false },
  { name: "a symlink to a user's file", make: (w) => symLink(w, w.userFile), allowedWithForce: false },
  {
    name: 'the input via ./ and ..',
    make: (w) => join(w.dir, 'work', '..', '.', 'model.onnx'),
    allowedWithForce: false,
  },
  { name: 'a directory', make: (w) => w.userFolder, allowedWithForce: false },
  { name: 'a character device (/dev/null)', make: () => '/dev/null', allowedWithForce: false },
  { name: 'a FIFO', make: (w) => fifo(w), allowedWithForce: false },
  { name: 'a path under a file', make: (w) => join(w.userFile, 'x.out'), allowedWithForce: false },
  // Places no write can succeed in, even as root: exit 2 naming the path, never a stack trace.
  { name: 'a read-only place (/sys)', make: () => '/sys/pg.out', allowedWithForce: false, refusedAtWrite: true },
  {
    name: 'a folder that takes no new files (/proc)',
    make: () => '/proc/pg.out',
    allowedWithForce: false,
    refusedAtWrite: true,
  },
];

let links = 0;
function hardLink(w: Workspace, to: string): string {
  const p = join(w.dir, `hard-${links++}.onnx`);
  linkSync(to, p);
  return p;
}
function symLink(w: Workspace, to: string): string {
  const p = join(w.dir, `link-${links++}.out`);
  symlinkSync(to, p);
  return p;
}
function fifo(w: Workspace): string {
  const p = join(w.dir, `fifo-${links++}`);
  execFileSync('mkfifo', [p]);
  return p;
}

export interface Entry {
  kind: string;
  ino: number;
  digest?: string;
  link?: string;
}

/** Everything under `dir` (not following links): kind, inode and a digest of the bytes. Never opens a FIFO. */
export function snapshot(dir: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(p, { kind: 'symlink', ino: st.ino, link: readlinkSync(p) });
      else if (st.isDirectory()) {
        out.set(p, { kind: 'dir', ino: st.ino });
        walk(p);
      } else if (st.isFile())
        out.set(p, { kind: 'file', ino: st.ino, digest: createHash('sha256').update(readFileSync(p)).digest('hex') });
      else out.set(p, { kind: 'special', ino: st.ino });
    }
  };
  walk(dir);
  return out;
}

/** Paths that were changed, deleted or replaced between two snapshots (new paths are not listed). */
export function damaged(
  before: Map<string, Entry>,
  after: Map<string, Entry>,
  except: readonly string[] = [],
): string[] {
  const out: string[] = [];
  for (const [p, e] of before) {
    if (except.includes(p)) continue;
    const a = after.get(p);
    if (!a || a.kind !== e.kind || a.ino !== e.ino || a.digest !== e.digest || a.link !== e.link) out.push(p);
  }
  return out;
}

/** pruneguard temporaries left anywhere under `dir`. */
export function leftoverTemporaries(dir: string): string[] {
  return [...snapshot(dir).keys()].filter((p) => /pruneguard-tmp$|\.tmp$|\.tmp-\d+-\d+$|\.old-\d+-\d+$/.test(p));
}
