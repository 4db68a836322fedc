import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { writeRandomFile } from '../helpers/tree.js';
import { s3 } from '../../../../test/servers.js';

/**
 * A TCP proxy in front of radosgw, slowed to `bytesPerSecond` upstream so that an upload is still in
 * flight when it goes down. `down()` closes it and every connection through it, `up()` listens again
 * on the same port: what a restarting server looks like to a client.
 */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Bytes sent upstream so far. */
  forwarded = 0;
  port = 0;

  constructor(
    private readonly upstream: URL,
    private readonly bytesPerSecond: number,
  ) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const server = connect(Number(this.upstream.port), this.upstream.hostname);
      for (const socket of [client, server]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          server.destroy();
        });
      }
      client.on('data', (chunk: Buffer) => {
        this.forwarded += chunk.length;
        server.write(chunk);
        client.pause();
        setTimeout(() => client.resume(), (chunk.length / this.bytesPerSecond) * 1000);
      });
      client.on('end', () => server.end());
      server.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  down(): void {
    this.server?.close();
    for (const socket of this.sockets) socket.destroy();
  }
}

const server = s3();
const admin = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  forcePathStyle: true,
});

describe('s3 target: the service gone for a few seconds', () => {
  const bucket = `pickup-e2e-${randomBytes(4).toString('hex')}`;
  const proxy = new Proxy(new URL(server.endpoint), 16 * 1024 * 1024);
  let project: Project;

  beforeAll(async () => {
    await admin.send(new CreateBucketCommand({ Bucket: bucket }));
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
    proxy.down();
    await project.remove();
    for (;;) {
      const page = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      if (versions.length === 0) break;
      await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions, Quiet: true } }));
    }
  });

  it('a push cut off mid-upload for 5 s goes on once the service is back: exit 0, and the backup verifies', async () => {
    const run = pickup([], { cwd: project.dir });
    for (let i = 0; i < 600 && proxy.forwarded < 12 * 1024 * 1024; i++) await sleep(20);
    expect(proxy.forwarded).toBeGreaterThan(12 * 1024 * 1024);
    proxy.down();
    await sleep(5000);
    await proxy.up();
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/warning: target bucket: uploading big\/big\.tar\.gz \(part \d+ of \d+\): .*; trying again/);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code, verify.stderr).toBe(0);
  }, 40_000);

  it('a pickup list started while the service is down answers once it is back', async () => {
    proxy.down();
    const list = pickup(['list', '--json'], { cwd: project.dir });
    await sleep(5000);
    await proxy.up();
    const listed = await list;
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).targets[0].backups.map((backup: { status: string }) => backup.status)).toEqual(['complete']);
  }, 30_000);
});
