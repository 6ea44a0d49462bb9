/**
 * Property run settings from the environment, so a nightly job can go deeper
 * without code changes: PRUNEGUARD_RUNS (cases per property), PRUNEGUARD_SEED
 * (replay a run), PRUNEGUARD_PATH (replay straight to a shrunk counterexample).
 */
export interface PropertyConfig {
  runs: number;
  seed: number;
  path?: string;
}

/**
 * Runs and seed of a property: PRUNEGUARD_RUNS, PRUNEGUARD_SEED and PRUNEGUARD_PATH when set, else the default count
 * and a fresh seed.
 */
export function propertyConfig(defaultRuns: number): PropertyConfig {
  const runs = Number(process.env.PRUNEGUARD_RUNS);
  const seed = Number(process.env.PRUNEGUARD_SEED);
  return {
    runs: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    seed: Number.isInteger(seed) ? seed : Date.now() % 2 ** 31,
    ...(process.env.PRUNEGUARD_PATH ? { path: process.env.PRUNEGUARD_PATH } : {}),
  };
}
