// needs: s3
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { emptyBucket, newBucket, s3Server } from '../helpers/s3-bucket.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { writeRandomFile } from '../helpers/tree.js';

const server = s3Server;

describe('s3 target: the service gone for a few seconds', () => {
  let bucket: string;
  const endpoint = new URL(server.endpoint);
  // Slowed down, so that an upload is still in flight when it goes down.
  const proxy = new TcpProxy({ host: endpoint.hostname, port: Number(endpoint.port) }, 16 * 1024 * 1024);
  let project: Project;

  beforeAll(async () => {
    bucket = await newBucket();
    await proxy.up();
    project = await makeProject();
    await writeFile(project.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/big.bin'), 40 * 1024 * 1024);
    await project.writeConfig(
      {
        sources: [{ name: 'big', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [
          {
            name: 'bucket',
            use: 's3',
            with: {
              bucket,
              endpoint: `http://127.0.0.1:${proxy.port}`,
              region: server.region,
              forcePathStyle: true,
              accessKeyId: server.accessKeyId,
              secretAccessKeyFile: './s3-secret',
              partSize: 5 * 1024 * 1024,
              queueSize: 2,
            },
          },
        ],
      },
      'pickup.config.json',
    );
  });
  afterAll(async () => {
    await proxy.down();
    await project.remove();
    await emptyBucket(bucket);
  });

  it('a push cut off mid-upload for 5 s goes on once the service is back: exit 0, and the backup verifies', async () => {
    const run = pickup([], { cwd: project.dir });
    for (let i = 0; i < 600 && proxy.sent < 12 * 1024 * 1024; i++) await sleep(20);
    expect(proxy.sent).toBeGreaterThan(12 * 1024 * 1024);
    await proxy.down();
    await sleep(5000);
    await proxy.up();
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(
      /warning: target bucket: uploading big\/big\.tar\.gz \(part \d+ of \d+\): .*; trying again/,
    );
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code, verify.stderr).toBe(0);
  }, 40_000);

  it('a pickup list started while the service is down answers once it is back', async () => {
    await proxy.down();
    const list = pickup(['list', '--json'], { cwd: project.dir });
    await sleep(5000);
    await proxy.up();
    const listed = await list;
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).targets[0].backups.map((backup: { status: string }) => backup.status)).toEqual([
      'complete',
    ]);
  }, 30_000);
});
