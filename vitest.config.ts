import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end tests run the built binary on real trees of hundreds of MB.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on two cores: most of a test's time is spent waiting on servers, ssh and
    // child processes. Tests share the servers and name what they create uniquely.
    maxWorkers: 2,
  },
});
