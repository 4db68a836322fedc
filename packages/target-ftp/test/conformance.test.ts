// needs: ftp
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeTarget, pathsUnder } from '@pickup/testkit';
import { ftp } from '../../../test/servers.js';
import target from '../src/index.js';

const server = ftp();

/** A folder of its own on the FTP server, seen and removed afterwards through the server's file system. */
async function fixture(workDir: string, password: string, extra: Record<string, unknown> = {}) {
  const folder = `pickup-kit-${randomBytes(4).toString('hex')}`;
  await writeFile(join(workDir, 'password'), `${password}\n`, { mode: 0o600 });
  return {
    options: {
      host: server.host,
      port: server.port,
      user: server.user,
      passwordFile: 'password',
      path: `${folder}/backups`,
      retries: 0,
      ...extra,
    },
    secrets: [server.password, password],
    contents: () => pathsUnder(join(server.home, folder, 'backups')),
    cleanup: () => rm(join(server.home, folder), { recursive: true, force: true }),
  };
}

const module = new URL('../dist/index.js', import.meta.url);

describeTarget(target, {
  module,
  setup: (workDir) => fixture(workDir, server.password),
  broken: (workDir) => fixture(workDir, 'not-the-Pa55word'),
});

describeTarget(target, {
  module,
  setup: (workDir) => fixture(workDir, server.password, { port: server.tlsPort, secure: true, ca: server.ca }),
});
