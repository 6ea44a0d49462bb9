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
