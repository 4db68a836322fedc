// needs: s3, postgres
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { emptyBucket, newBucket as makeBucket, s3Admin, s3Server } from '../helpers/s3-bucket.js';
import { compareTrees, makeAwkwardTree, writeRandomFile } from '../helpers/tree.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const server = s3Server;
const admin = s3Admin;
const buckets: string[] = [];

async function newBucket(lock = false): Promise<string> {
  const bucket = await makeBucket(lock);
  buckets.push(bucket);
  return bucket;
}

async function keysIn(bucket: string, prefix = ''): Promise<string[]> {
  const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!).sort();
}

async function listJson(project: Project, config?: string): Promise<{ id: string; status: string }[]> {
  const listed = await pickup(['list', '--json', ...(config ? ['--config', config] : [])], { cwd: project.dir });
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout).targets[0].backups;
}

describe('s3 target against a real Ceph radosgw', () => {
  let project: Project;
  let pg: Postgres;
  const db = `pickup_s3_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    project = await makeProject();
    pg = postgres();
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    pg.sql(
      db,
      "CREATE TABLE t (id int, note text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g",
    );
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
    await writeFile(project.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
    await makeAwkwardTree(project.path('data'));
  });
  afterAll(async () => {
    for (const name of [db, `${db}_restored`]) pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await project.remove();
    for (const bucket of buckets) await emptyBucket(bucket);
  });

  const target = (bucket: string, extra: Record<string, unknown> = {}) => ({
    name: 'bucket',
    use: 's3',
    with: {
      bucket,
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      accessKeyId: server.accessKeyId,
      secretAccessKeyFile: './s3-secret',
      ...extra,
    },
  });
  const sources = () => [
    { name: 'files', use: 'folder', with: { path: './data' } },
    {
      name: 'db',
      use: 'postgres',
      with: {
        host: pg.host,
        port: pg.port,
        user: pg.user,
        passwordFile: './pg-password',
        databases: [db],
        rolePasswords: false,
      },
    },
  ];

  it('backs up a folder and a database; list, verify and restore give back the same bytes and rows', async () => {
    const bucket = await newBucket();
    await project.writeConfig({ sources: sources(), targets: [target(bucket, { prefix: 'web1' })] });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await listJson(project);
    expect(backup).toMatchObject({ status: 'complete' });
    expect(await keysIn(bucket)).toContain(`web1/${backup!.id}/manifest.json`);
    expect((await pickup(['verify'], { cwd: project.dir })).code).toBe(0);
    const folder = await pickup(['restore', '--source', 'files', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(folder.code).toBe(0);
    expect(await compareTrees(project.path('restored'), project.path('data'))).toEqual([]);
    const database = await pickup(['restore', '--source', 'db', '--only', db, '--to', `${db}_restored`], {
      cwd: project.dir,
    });
    expect(database.code).toBe(0);
    expect(pg.sql(`${db}_restored`, 'SELECT count(*), sum(id), max(note) FROM t')).toBe(
      pg.sql(db, 'SELECT count(*), sum(id), max(note) FROM t'),
    );
  });

  it('two hosts share a bucket: each lists only its own, and retention on one never touches the other', async () => {
    const bucket = await newBucket();
    await mkdir(project.path('small'), { recursive: true });
    await writeFile(project.path('small/a.txt'), 'a\n');
    const config = (prefix: string, retention?: object) => ({
      sources: [{ name: 'files', use: 'folder', with: { path: './small' } }],
      targets: [{ ...target(bucket, { prefix }), ...(retention ? { retention } : {}) }],
    });
    await project.writeConfig(config('/host-b/'), 'b.config.ts'); // slashes normalised: host-b
    await project.writeConfig(config('host-a', { keepLast: 1 }), 'a.config.ts');
    expect((await pickup(['--config', 'b.config.ts'], { cwd: project.dir })).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect((await pickup(['--config', 'a.config.ts'], { cwd: project.dir })).code).toBe(0);
      await sleep(20);
    }
    expect(await listJson(project, 'a.config.ts')).toHaveLength(1);
    expect(await listJson(project, 'b.config.ts')).toHaveLength(1);
    const keys = await keysIn(bucket);
    expect(keys.filter((key) => key.startsWith('host-b/') && key.endsWith('/manifest.json'))).toHaveLength(1);
    expect(keys.every((key) => /^host-[ab]\/\d{4}-/.test(key))).toBe(true); // no leading or doubled slash
  });

  it('a 200 MB file goes up by multipart with flat memory', async () => {
    const bucket = await newBucket();
    const big = await makeProject();
    try {
      await writeFile(big.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
      await mkdir(big.path('data'));
      await writeRandomFile(big.path('data/big.bin'), 200 * 1024 * 1024);
      await big.writeConfig({
        sources: [{ name: 'big', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [target(bucket, { prefix: 'big', partSize: 8 * 1024 * 1024, queueSize: 4 })],
      });
      const baseline = await pickup(['--dry-run'], { cwd: big.dir });
      const run = await pickup([], { cwd: big.dir });
      expect(run.code).toBe(0);
      // Parts in flight (4 of 8 MB) and the SDK's buffers: far below the file's 200 MB.
      expect(run.peakRss - baseline.peakRss).toBeLessThan(120 * 1024 * 1024);
      expect((await pickup(['verify'], { cwd: big.dir })).code).toBe(0);
    } finally {
      await big.remove();
    }
  }, 300_000);

  it("a run killed during a multipart upload leaves nothing that lists as complete; the next run's retention aborts the upload", async () => {
    const bucket = await newBucket();
    const killed = await makeProject();
    try {
      await writeFile(killed.path('s3-secret'), `${server.secretAccessKey}\n`, { mode: 0o600 });
      await mkdir(killed.path('data'));
      await writeRandomFile(killed.path('data/big.bin'), 60 * 1024 * 1024);
      await killed.writeConfig({
        sources: [{ name: 'big', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [
          { ...target(bucket, { prefix: 'k', partSize: 5 * 1024 * 1024, queueSize: 1 }), retention: { keepLast: 3 } },
        ],
      });
      let pid = 0;
      const run = pickup([], { cwd: killed.dir, onSpawn: (spawned) => (pid = spawned) });
      const pending = async () =>
        (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'k/' }))).Uploads ?? [];
      for (let i = 0; i < 600 && (await pending()).length === 0; i++) await sleep(50);
      expect(await pending()).toHaveLength(1);
      process.kill(pid, 'SIGKILL');
      await run;
      expect((await listJson(killed)).filter((backup) => backup.status !== 'incomplete')).toEqual([]);
      await writeFile(killed.path('data/big.bin'), 'small now\n');
      const next = await pickup([], { cwd: killed.dir });
      expect(next.code).toBe(0);
      expect(next.stdout).toMatch(/removed \S+ \(incomplete\)/);
      expect(await pending()).toEqual([]);
      expect((await listJson(killed)).map((backup) => backup.status)).toEqual(['complete']);
    } finally {
      await killed.remove();
    }
  }, 300_000);

  it('an object-locked backup survives pickup prune and a direct delete with the same credentials', async () => {
    const bucket = await newBucket(true);
    await mkdir(project.path('small'), { recursive: true });
    await writeFile(project.path('small/a.txt'), 'a\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './small' } }],
      targets: [
        { ...target(bucket, { prefix: 'locked', lock: { mode: 'governance', days: 1 } }), retention: { keepLast: 1 } },
      ],
    });
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [first] = await listJson(project);
    await sleep(20);
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(0); // a locked backup kept is not a failure
    expect(second.stdout).toMatch(
      new RegExp(`kept ${first!.id} \\(retention, but locked until \\S+: the storage refuses to remove it before\\)`),
    );
    const prune = await pickup(['prune'], { cwd: project.dir });
    expect(prune.code).toBe(0);
    expect((await listJson(project)).map((backup) => backup.id)).toContain(first!.id);
    // The machine's own credentials cannot delete it either.
    const versions = await admin.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: `locked/${first!.id}/manifest.json` }),
    );
    const version = versions.Versions![0]!;
    await expect(
      admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: version.Key, VersionId: version.VersionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await pickup(['verify', first!.id], { cwd: project.dir })).code).toBe(0);
  });

  it('bad input: a wrong secret, a missing bucket, an endpoint not listening: one clear line each, nothing stored, no secret shown', async () => {
    const bucket = await newBucket();
    await mkdir(project.path('small'), { recursive: true });
    await writeFile(project.path('wrong-secret'), 'wrong-secret-wrong-secret-wrong-secret00\n');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ secretAccessKeyFile: './wrong-secret' }, /the secret access key is wrong \(SignatureDoesNotMatch\)/],
      [{ bucket: 'no-such-bucket-pickup' }, /the bucket does not exist \(NoSuchBucket\)/],
      [{ endpoint: 'http://127.0.0.1:9' }, /nothing listens at the endpoint|ECONNREFUSED/],
    ];
    for (const [extra, message] of cases) {
      await project.writeConfig({
        sources: [{ name: 'files', use: 'folder', with: { path: './small' } }],
        targets: [target(bucket, { prefix: 'bad', maxAttempts: 1, retryFor: 0, ...extra })],
      });
      const run = await pickup([], { cwd: project.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr + run.stdout).not.toContain(server.secretAccessKey);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
    expect(await keysIn(bucket, 'bad/')).toEqual([]);
  });
});
