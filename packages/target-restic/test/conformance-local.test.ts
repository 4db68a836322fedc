// needs: restic, time
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget, pathsUnder } from '@pickup/testkit';
import target from '../src/index.js';
import { resticBy } from '../../../test/restic.js';

/** A repository of its own in the test's folder, created by the first push (init: true); other hosts' snapshots share it. */
async function fixture(workDir: string, extra: Record<string, unknown> = {}) {
  const passwordFile = join(workDir, 'restic-password');
  await writeFile(passwordFile, 'correct horse battery staple\n');
  await chmod(passwordFile, 0o600);
  const repository = join(workDir, 'repository');
  const admin = resticBy(repository, { RESTIC_PASSWORD_FILE: passwordFile });
  const options = { repository: 'repository', passwordFile: 'restic-password', init: true, ...extra };
  const store = {
    options,
    contents: () => pathsUnder(repository),
    unused: () => admin.unused(),
    // Another host's fixture: the same repository and password, snapshots recorded under its name.
    forHost: (host: string) => ({ ...store, options: { ...options, host } }),
  };
  return store;
}

describeTarget(target, {
  module: new URL('../dist/index.js', import.meta.url),
  setup: (workDir) => fixture(workDir),
  // Without init, a repository that is not there is an error that says how to create it.
  broken: (workDir) => fixture(workDir, { init: false }),
});
