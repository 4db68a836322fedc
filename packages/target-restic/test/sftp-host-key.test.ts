import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../src/failure.js';
import type { Repository } from '../src/repository.js';

/** What restic prints when ssh ended the session before restic passed ssh's own words on. */
const WORDLESS =
  'Fatal: unable to open repository at sftp:backup@127.0.0.1:/srv/restic: unable to start the sftp session, error: EOF\n';

describe('an sftp session that ended without ssh saying why', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-known-hosts-'));
    await writeFile(join(dir, 'empty'), '');
    await writeFile(
      join(dir, 'known'),
      '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const explained = (knownHosts: string) => {
    const repository: Repository = {
      location: 'sftp:backup@127.0.0.1:/srv/restic',
      kind: 'sftp',
      shown: 'sftp:backup@127.0.0.1:/srv/restic',
      sftp: { login: 'backup@127.0.0.1', host: '127.0.0.1', port: 2222 },
      keyscan: `ssh-keyscan -p 2222 127.0.0.1 >> ${knownHosts}`,
      // ssh's global file: missing here, as on most machines.
      knownHosts: { files: [knownHosts, join(dir, 'no-such-global-file')], host: '[127.0.0.1]:2222' },
    };
    const failure = { command: 'snapshots', code: 1, killedBy: null, stderr: WORDLESS, repository, program: 'restic' };
    return explain({ ...failure, passwordOption: 'passwordFile' }).message;
  };

  it('is told as an unknown host key when the known hosts do not have the server', () => {
    expect(explained(join(dir, 'empty'))).toMatch(
      /^the sftp server's host key is not known \(strict host key checking is on\); add it after checking its fingerprint: ssh-keyscan -p 2222 127\.0\.0\.1 >> /,
    );
  });

  it('is told as a server that cannot be reached when they do', () => {
    expect(explained(join(dir, 'known'))).toMatch(
      /^cannot reach restic repository sftp:backup@127\.0\.0\.1:\/srv\/restic: /,
    );
  });
});
