import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The whole target suite on restic's sftp and s3 backends, against the test sshd and radosgw: about ten
// minutes on two cores, so not part of `pnpm test`, which runs it on a local repository (backends are
// restic's own code) and runs Pickup through both backends end to end. `pnpm test:restic-backends`.
export default defineConfig({
  test: {
    root: dirname(fileURLToPath(import.meta.url)),
    include: ['test/backends/*.suite.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
