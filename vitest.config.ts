import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file runs in its own process: the native addon, worker
    // threads and network namespaces stay isolated between files.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
