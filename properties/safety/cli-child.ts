/**
 * The CLI as a child process, for what only a real process shows: kill -9
 * mid-write, concurrent writers, peak memory (Linux: /proc/<pid>/status VmHWM
 * sampled while it runs, and the child's own maxRSS through resourceUsage
 * is not reachable from outside, so the harness polls) and wall time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './workspace.js';

export const BIN = join(ROOT, 'bin/pruneguard.js');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  peakRssMb: number;
  timedOut: boolean;
}

export interface ChildOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** V8 heap ceiling for the child (--max-old-space-size, MB). */
  heapMb?: number;
  /** Killed (and reported as timed out) after this long. */
  timeoutMs?: number;
  /** Called with each stderr chunk; return true to kill -9 the child at that point. */
  killWhen?: (stderr: string) => boolean;
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `pruneguard ...args` in a child process. */
export function runCli(args: readonly string[], o: ChildOptions = {}): Promise<ChildResult> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(o.heapMb ? [`--max-old-space-size=${o.heapMb}`] : []), BIN, ...args],
    {
      cwd: o.cwd ?? ROOT,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '',
    stderr = '',
    peak = 0,
    timedOut = false;
  const sample = setInterval(() => {
    peak = Math.max(peak, vmHwmMb(child.pid!));
  }, 20);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs ?? 60_000);
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
    if (o.killWhen?.(stderr)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearInterval(sample);
      clearTimeout(timer);
      // stdio may still hold buffered output: wait for close.
      child.on('close', () =>
        resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, peakRssMb: peak, timedOut }),
      );
    });
  });
}
