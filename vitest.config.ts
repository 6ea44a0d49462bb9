import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'properties/**/*.test.ts', 'scenarios/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share a worker's module cache: importing onnxruntime-node, fast-check and the
    // library once per worker instead of once per file took `npm test` from 215 s to 134 s here
    // (1,241 tests). Files keep no state between them (no module-level mutation, temp folders
    // per test; quality.test.ts lost its order dependence), which this setting relies on.
    isolate: false,
    // Per-file hooks (temp folder removal) must be registered here, not at a shared module's import.
    setupFiles: ['./vitest.setup.ts'],
    // `npm run coverage` writes coverage/ and folds it into the per-failure-mode report.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-helpers.ts'],
      reporter: ['text-summary', 'json-summary', 'json'],
    },
  },
});
