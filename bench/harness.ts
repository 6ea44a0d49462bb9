/**
 * A tiny benchmark harness. Each benchmark is one `bench/*.bench.ts` file whose
 * default export is a `Benchmark`; `bench/run.ts` finds, runs and prints them.
 */
import { median } from '../dist/util/stats.js';

export { median };

/** One measured number, with what it is compared to. */
export interface BenchEntry {
  name: string;
  /** The median of the measured runs. */
  value: number;
  unit: string;
  /** The reference measured in the same run (same unit), or null when there is none. */
  baseline: number | null;
  /** value / baseline, or null. */
  ratio: number | null;
  /** Upper bound on ratio that counts as good (null: informational). */
  target: number | null;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchEntry[]>;
}

export interface MeasureOptions {
  warmup?: number;
  reps?: number;
}

/** Median wall time in milliseconds of `fn` after warm-up runs (the median shrugs off GC pauses). */
export async function medianMs(fn: () => unknown, { warmup = 3, reps = 15 }: MeasureOptions = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function entry(
  name: string,
  value: number,
  unit: string,
  baseline: number | null = null,
  target: number | null = null,
): BenchEntry {
  return { name, value, unit, baseline, ratio: baseline ? value / baseline : null, target };
}
