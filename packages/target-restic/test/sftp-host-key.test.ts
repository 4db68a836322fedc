// needs: ssh
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../src/failure.js';
import type { Repository } from '../src/repository.js';
import { ssh } from '../../../test/servers.js';

/** What restic prints when ssh ended the session before restic passed ssh's own words on. */
const WORDLESS =
  'Fatal: unable to open repository at sftp:backup@127.0.0.1:/srv/restic: unable to start the sftp session, error: EOF\n';

describe('an sftp session that ended without ssh saying why', () => {
  let dir: string;
  let closedPort: number;
  const server = ssh();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-known-hosts-'));
    await writeFile(join(dir, 'empty'), '');
    await writeFile(
      join(dir, 'known'),
      `[${server.host}]:${server.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`,
    );
    // A port nothing listens on: taken, then freed.
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const explained = (knownHosts: string, port = server.port) => {
    const location = `sftp:backup@${server.host}:/srv/restic`;
    const repository: Repository = {
      location,
      kind: 'sftp',
      shown: location,
      sftp: { login: `backup@${server.host}`, host: server.host, port },
      keyscan: `ssh-keyscan -p ${port} ${server.host} >> ${knownHosts}`,
      // ssh's global file: missing here, as on most machines.
      knownHosts: {
        files: [knownHosts, join(dir, 'no-such-global-file')],
        host: `[${server.host}]:${port}`,
        address: server.host,
        port,
      },
    };
    const failure = { command: 'snapshots', code: 1, killedBy: null, stderr: WORDLESS, repository, program: 'restic' };
    return explain({ ...failure, passwordOption: 'passwordFile' }).message;
  };

  it('is told as an unknown host key when the server answers and the known hosts do not have it', () => {
    expect(explained(join(dir, 'empty'))).toMatch(
      /^the sftp server's host key is not known \(strict host key checking is on\); add it after checking its fingerprint: ssh-keyscan -p \d+ \S+ >> /,
    );
  });

  it('is told as a server that cannot be reached when the known hosts have it', () => {
    expect(explained(join(dir, 'known'))).toMatch(/^cannot reach restic repository sftp:backup@\S+:\/srv\/restic: /);
  });

  it('is told as a server that cannot be reached when nothing answers there, known or not', () => {
    expect(explained(join(dir, 'empty'), closedPort)).toMatch(
      /^cannot reach restic repository sftp:backup@\S+:\/srv\/restic: /,
    );
  });
});
