/**
 * A test hook for the data-safety suite: with PRUNEGUARD_TEST_PAUSE_AT=<step>
 * a writer reaching that step prints `pruneguard-test-paused <step> <path>` on
 * stderr and blocks, so a test can kill -9 it at exactly that point. Unset
 * (always, outside that suite) it costs one environment lookup.
 */
import { writeSync } from 'node:fs';

/** The write steps a test can stop at. */
export type WriteStep = 'partial-write' | 'before-rename' | 'between-files';

export function pausePoint(step: WriteStep, path: string): void {
  if (process.env.PRUNEGUARD_TEST_PAUSE_AT !== step) return;
  writeSync(2, `pruneguard-test-paused ${step} ${path}\n`);
  // Blocks the thread (the test kills the process); gives up after a minute so a forgotten child ends.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
