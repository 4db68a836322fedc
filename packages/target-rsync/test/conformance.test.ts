// needs: ssh
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget, pathsUnder } from '@pickup/testkit';
import { ssh } from '../../../test/servers.js';
import target from '../src/index.js';

const server = ssh();

/** A folder of its own on the ssh server, seen and removed afterwards through the server's file system. */
function fixture(extra: Record<string, unknown> = {}) {
  const folder = `pickup-kit-${randomBytes(4).toString('hex')}`;
  return {
    options: {
      dest: `${server.user}@${server.host}:${folder}/backups`,
      port: server.port,
      identityFile: server.key,
      knownHostsFile: server.knownHosts,
      createPath: true,
      ...extra,
    },
    contents: () => pathsUnder(join(server.home, folder, 'backups')),
    cleanup: () => rm(join(server.home, folder), { recursive: true, force: true }),
  };
}

describeTarget(target, {
  module: new URL('../dist/index.js', import.meta.url),
  setup: () => fixture(),
  // Without createPath, a destination that is not there is an error, not something to create.
  broken: () => fixture({ createPath: false }),
});
