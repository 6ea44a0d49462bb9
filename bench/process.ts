/** Whole-process measurements for the benchmarks: wall time and peak RSS of a command, via /usr/bin/time. */
import { spawnSync } from 'node:child_process';
import { median } from './harness.js';

export interface ProcessRun {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs `argv` once; throws with its stderr when it fails. */
export function runProcess(argv: readonly string[], cwd = process.cwd()): ProcessRun {
  const r = spawnSync('/usr/bin/time', ['-f', '__time %e %M', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const line = r.stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('__time '));
  if (r.status !== 0 || !line) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [, s, kb] = line.split(' ');
  return { seconds: Number(s), maxRssMb: Number(kb) / 1024, stdout: r.stdout };
}

/** Median wall time and the largest peak RSS over `reps` runs. */
export function medianProcess(argv: readonly string[], reps: number): ProcessRun {
  const runs = Array.from({ length: reps }, () => runProcess(argv));
  return {
    seconds: median(runs.map((r) => r.seconds)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
    stdout: runs[0].stdout,
  };
}

/** medianProcess's summary with every run kept (e.g. each one's printed figure). */
export interface ProcessSummary extends ProcessRun {
  runs: ProcessRun[];
}

/**
 * Two commands run alternately `reps` times (a, b, a, b, ...), each summarised as by medianProcess:
 * on a shared machine whose load drifts, a ratio of the two then compares runs made under the same
 * conditions, not a quiet minute against a busy one.
 */
export function interleavedProcesses(
  a: readonly string[],
  b: readonly string[],
  reps: number,
): [ProcessSummary, ProcessSummary] {
  const runsA: ProcessRun[] = [];
  const runsB: ProcessRun[] = [];
  for (let i = 0; i < reps; i++) {
    runsA.push(runProcess(a));
    runsB.push(runProcess(b));
  }
  const summary = (runs: ProcessRun[]): ProcessSummary => ({
    seconds: median(runs.map((r) => r.seconds)),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
    stdout: runs[0].stdout,
    runs,
  });
  return [summary(runsA), summary(runsB)];
}

/** Least-squares slope of log(y) against log(x): the exponent of y ∝ x^k. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log),
    ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length,
    my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0,
    den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i] - mx) * (ly[i] - my);
    den += (lx[i] - mx) ** 2;
  }
  return num / den;
}
