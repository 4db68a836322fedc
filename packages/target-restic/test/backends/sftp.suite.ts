import { randomBytes } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget, pathsUnder } from '@pickup/testkit';
import { ssh } from '../../../../test/servers.js';
import target from '../../src/index.js';
import { resticBy } from '../../../../test/restic.js';

const server = ssh();

/** A repository of its own on the test sshd, over sftp; seen from outside through the server's own folder. */
async function fixture(workDir: string, extra: Record<string, unknown> = {}) {
  const passwordFile = join(workDir, 'restic-password');
  await writeFile(passwordFile, 'correct horse battery staple\n');
  await chmod(passwordFile, 0o600);
  const folder = join(server.home, `pickup-restic-${randomBytes(4).toString('hex')}`);
  const repository = join(folder, 'repository');
  const admin = resticBy(repository, { RESTIC_PASSWORD_FILE: passwordFile });
  return {
    options: {
      repository: `sftp:${server.user}@${server.host}:${repository}`,
      passwordFile: 'restic-password',
      init: true,
      sftp: { port: server.port, identityFile: server.key, knownHostsFile: server.knownHosts },
      ...extra,
    },
    contents: () => pathsUnder(repository),
    unused: () => admin.unused(),
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
}

describeTarget(target, {
  module: new URL('../../dist/index.js', import.meta.url),
  setup: (workDir) => fixture(workDir),
  broken: (workDir) => fixture(workDir, { init: false }),
});
