// needs: ssh, s3, restic
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { resticBy, writePasswordFile } from '../helpers/restic.js';
import { compareTrees, snapshotTree, writeRandomFile } from '../helpers/tree.js';
import { ssh } from '../../../../test/servers.js';
import { emptyBucket, newBucket, s3Server } from '../helpers/s3-bucket.js';

/**
 * Pickup through restic's sftp and s3 backends, as a user runs it: two nights, the second removing the
 * first (keepLast 1, then restic prune), verified and restored byte for byte. The whole target suite on
 * these backends: `pnpm test:restic-backends`.
 */
describe('restic target over sftp and s3', () => {
  let project: Project;
  const buckets: string[] = [];
  const folder = `pickup-restic-e2e-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data/docs'), { recursive: true });
    await writeFile(project.path('data/docs/a.txt'), 'first night\n');
    await writeRandomFile(project.path('data/photo.raw'), 1024 * 1024);
    await writePasswordFile(project);
  });
  afterAll(async () => {
    for (const bucket of buckets) await emptyBucket(bucket); // the server keeps objects in memory
    await rm(join(ssh().home, folder), { recursive: true, force: true });
    await project.remove();
  });

  async function twoNights(
    name: string,
    target: Record<string, unknown>,
    admin: ReturnType<typeof resticBy>,
  ): Promise<void> {
    await project.writeConfig(
      {
        sources: [{ name: 'files', use: 'folder', with: { path: './data', compression: 'none' } }],
        targets: [
          {
            name: 'vault',
            use: 'restic',
            with: { passwordFile: './restic-password', init: true, ...target },
            retention: { keepLast: 1 },
          },
        ],
      },
      `${name}.config.ts`,
    );
    const args = ['--config', `${name}.config.ts`];
    const first = await pickup(args, { cwd: project.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    await writeFile(project.path('data/docs/a.txt'), 'second night\n');
    const second = await pickup(args, { cwd: project.dir });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/removed 1/);
    expect((await admin.snapshots()).map((snapshot) => snapshot.tags)).toHaveLength(1);
    expect(await admin.restic('prune', '--dry-run')).toMatch(/total prune:\s+0 blobs/);
    const verify = await pickup(['verify', ...args], { cwd: project.dir });
    expect(verify.code).toBe(0);
    const restored = await pickup(['restore', ...args, '--source', 'files', '--to', project.path(`restored-${name}`)], {
      cwd: project.dir,
    });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(
      await compareTrees(
        await snapshotTree(project.path('data')),
        await snapshotTree(project.path(`restored-${name}`)),
      ),
    ).toEqual([]);
  }

  it('over sftp, through the test sshd with its key and known hosts', async () => {
    const server = ssh();
    const repository = join(server.home, folder, 'repository');
    const target = {
      repository: `sftp:${server.user}@${server.host}:${repository}`,
      sftp: { port: server.port, identityFile: server.key, knownHostsFile: server.knownHosts },
    };
    // The server's own folder, read as an administrator would on that machine.
    await twoNights('sftp', target, resticBy(repository, { RESTIC_PASSWORD_FILE: project.path('restic-password') }));
  });

  it('over s3, on the test radosgw, the key pair from a file', async () => {
    const server = s3Server;
    const bucket = await newBucket();
    buckets.push(bucket);
    await writeFile(project.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
    const repository = `s3:${server.endpoint}/${bucket}/web1`;
    const target = {
      repository,
      env: { AWS_ACCESS_KEY_ID: server.accessKeyId },
      envFiles: { AWS_SECRET_ACCESS_KEY: './s3-secret' },
    };
    const env = {
      RESTIC_PASSWORD_FILE: project.path('restic-password'),
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    };
    await twoNights('s3', target, resticBy(repository, env));
  });
});
