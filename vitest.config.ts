import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // End-to-end tests run the built binary on real trees of hundreds of MB.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
