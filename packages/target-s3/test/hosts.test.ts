// needs: s3
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import {
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { HostBackups, StoredEntry } from '@pickup/core';
import { openHarness, stageRun, type Harness } from '@pickup/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBucket } from './bucket.js';
import target from '../src/index.js';

const { server, bucket, admin, remove } = await testBucket('pickup-hosts');
const harness: Harness = await openHarness();
const fleet = `fleet-${randomBytes(4).toString('hex')}`;
const runId = (day: number) => `2026-01-0${day}T020000.000Z`;

afterAll(async () => {
  await harness.close();
  await remove();
});

const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
const optionsOf = (prefix: string, login = credentials) => ({
  bucket,
  prefix,
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  maxAttempts: 1,
  ...login,
});
const context = (prefix: string, login = credentials) =>
  harness.context<never>(target, 'offsite', optionsOf(prefix, login));

/** A run of `host` on `day` whose one file says whose it is, pushed with that host's own config. */
async function push(prefix: string, day: number, login = credentials): Promise<void> {
  const root = join(harness.workDir, `staging-${randomBytes(4).toString('hex')}`);
  const run = await stageRun(
    root,
    { 'www/www.tar.gz': `the bytes of ${prefix} on day ${day}` },
    { time: new Date(Date.UTC(2026, 0, day, 2)) },
  );
  await target.push({ ...context(prefix, login), run });
}

/** Every version, delete marker and unfinished upload in the bucket, as the admin sees them. */
async function bucketState(): Promise<string[]> {
  const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return [
    ...(versions.Versions ?? []).map((v) => `${v.Key} ${v.VersionId} ${v.ETag} ${v.LastModified?.toISOString()}`),
    ...(versions.DeleteMarkers ?? []).map((v) => `${v.Key} ${v.VersionId} deleted`),
    ...(uploads.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId} unfinished`),
  ].sort();
}

const byId = (entries: StoredEntry[]) => [...entries].sort((a, b) => a.id.localeCompare(b.id));
const summary = (hosts: HostBackups[]) =>
  Promise.all(
    [...hosts]
      .sort((a, b) => a.host.localeCompare(b.host))
      .map(async (host) => ({ host: host.host, own: host.own, backups: byId(await host.list()) })),
  );
const complete = (day: number) => ({ id: runId(day), runId: runId(day), complete: true });
const incomplete = (day: number) => ({ id: runId(day), runId: runId(day), complete: false });

beforeAll(async () => {
  // web1 and web2 push the same run id with other bytes; web3 has two backups and a push cut off (no
  // manifest); web4 only an upload cut off; notes/ is something else beside the hosts.
  await push(`${fleet}/web1`, 1);
  await push(`${fleet}/web2`, 1);
  await push(`${fleet}/web3`, 1);
  await push(`${fleet}/web3`, 2);
  const put = (Key: string) => admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  await put(`${fleet}/web3/${runId(3)}/www/www.tar.gz`);
  await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${fleet}/web4/${runId(4)}/db/big.dump` }));
  await put(`${fleet}/notes/readme.txt`);
  await put(`${fleet}/notes/2026/plan.txt`);
  // Hosts in the bucket's top level, and another fleet elsewhere.
  await push('solo1', 1);
  await push('solo2', 2);
  await push(`elsewhere-${fleet}/web9`, 1);
});

describe('hosts of a bucket', () => {
  it('lists every prefix beside its own that holds backups, each with what its own config lists, and changes nothing', async () => {
    const before = await bucketState();
    const hosts = await target.hosts!(context(`${fleet}/web1`));
    expect(await summary(hosts)).toEqual([
      { host: 'web1', own: true, backups: [complete(1)] },
      { host: 'web2', own: false, backups: [complete(1)] },
      { host: 'web3', own: false, backups: [complete(1), complete(2), incomplete(3)] },
      { host: 'web4', own: false, backups: [incomplete(4)] },
    ]);
    for (const host of hosts) {
      expect(byId(await host.list()), host.host).toEqual(byId(await target.list(context(`${fleet}/${host.host}`))));
    }
    expect(await bucketState()).toEqual(before);
  });

  it("reads each host's own bytes, the same run id on two hosts apart, and a missing file as ENOENT", async () => {
    const hosts = await target.hosts!(context(`${fleet}/web2`));
    const host = (name: string) => hosts.find((each) => each.host === name)!;
    expect(host('web2').own).toBe(true);
    expect(await text(await host('web1').read(runId(1), 'www/www.tar.gz'))).toBe(`the bytes of ${fleet}/web1 on day 1`);
    expect(await text(await host('web2').read(runId(1), 'www/www.tar.gz'))).toBe(`the bytes of ${fleet}/web2 on day 1`);
    expect(JSON.parse(await text(await host('web3').read(runId(2), 'manifest.json'))).runId).toBe(runId(2));
    await expect(host('web2').read(runId(2), 'manifest.json')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("takes the bucket's top level for a prefix of one part, and lists its own prefix even without backups", async () => {
    expect(await summary(await target.hosts!(context('solo3')))).toEqual([
      { host: 'solo1', own: false, backups: [complete(1)] },
      { host: 'solo2', own: false, backups: [complete(2)] },
      { host: 'solo3', own: true, backups: [] },
    ]);
  });

  it('fails in one line naming where it looked, when the bucket refuses', async () => {
    const wrong = { ...credentials, secretAccessKey: 'not-the-secret-key-at-all-0123456789abcd' };
    await expect(target.hosts!(context(`${fleet}/web1`, wrong))).rejects.toThrow(
      `listing the hosts in s3://${bucket}/${fleet}/ at ${server.endpoint}: listing the unfinished uploads: the secret access key is wrong (SignatureDoesNotMatch)`,
    );
  });
});

describe('hosts with read-only credentials', () => {
  const uid = `pickup-ro-${randomBytes(4).toString('hex')}`;
  const readOnly = {
    accessKeyId: `RO${randomBytes(9).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(20).toString('hex'),
  };
  const radosgwAdmin = (...args: string[]) =>
    execFileSync('radosgw-admin', ['-c', join(server.dir, 'ceph.conf'), ...args], { stdio: 'pipe' });
  /** A bucket policy that lets the read-only user do `actions`, and nothing else. */
  const allow = (actions: string[]) =>
    admin.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: [`arn:aws:iam:::user/${uid}`] },
              Action: actions,
              Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            },
          ],
        }),
      }),
    );

  beforeAll(() => {
    radosgwAdmin(
      'user',
      'create',
      `--uid=${uid}`,
      `--display-name=${uid}`,
      `--access-key=${readOnly.accessKeyId}`,
      `--secret-key=${readOnly.secretAccessKey}`,
    );
  });
  afterAll(async () => {
    await admin.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    radosgwAdmin('user', 'rm', `--uid=${uid}`);
  });

  it('sees every host and reads its bytes with s3:ListBucket, s3:ListBucketMultipartUploads and s3:GetObject', async () => {
    await allow(['s3:ListBucket', 's3:ListBucketMultipartUploads', 's3:GetObject']);
    // The user can really do no more: its push is refused.
    await expect(push(`${fleet}/web1`, 5, readOnly)).rejects.toThrow('access denied (AccessDenied)');
    const before = await bucketState();
    const hosts = await target.hosts!(context(`${fleet}/web1`, readOnly));
    expect(await summary(hosts)).toEqual(await summary(await target.hosts!(context(`${fleet}/web1`))));
    const web2 = hosts.find((host) => host.host === 'web2')!;
    expect(await text(await web2.read(runId(1), 'www/www.tar.gz'))).toBe(`the bytes of ${fleet}/web2 on day 1`);
    expect(harness.lines.filter((line) => line.includes('unfinished uploads'))).toEqual([]);
    expect(await bucketState()).toEqual(before);
  });

  it('does without s3:ListBucketMultipartUploads, saying once what it then cannot see', async () => {
    await allow(['s3:ListBucket', 's3:GetObject']);
    const hosts = await target.hosts!(context(`${fleet}/web1`, readOnly));
    const all = await summary(await target.hosts!(context(`${fleet}/web1`)));
    // web4 holds only an upload cut off: nothing else shows it.
    expect(await summary(hosts)).toEqual(all.filter((host) => host.host !== 'web4'));
    const said = harness.lines.filter((line) => line.includes('unfinished uploads'));
    expect(said).toEqual([
      expect.stringContaining(
        `listing the unfinished uploads in s3://${bucket}/${fleet}/: access denied; pushes cut off during their first upload are not shown (the credentials need s3:ListBucketMultipartUploads)`,
      ),
    ]);
    expect(await text(await hosts.find((host) => host.own)!.read(runId(1), 'www/www.tar.gz'))).toBe(
      `the bytes of ${fleet}/web1 on day 1`,
    );
  });
});
