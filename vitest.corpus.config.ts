import { defineConfig } from 'vitest/config';

// The opt-in corpus of real models (`npm run corpus`): not part of `npm test`.
export default defineConfig({
  test: {
    include: ['corpus/**/*.test.ts'],
    testTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
