import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll } from 'vitest';
import { describeTarget } from '@pickup/testkit';
import { s3 } from '../../../test/servers.js';
import target from '../src/index.js';

const server = s3();
const bucket = `pickup-kit-${randomBytes(4).toString('hex')}`;
const admin = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  forcePathStyle: true,
});
await admin.send(new CreateBucketCommand({ Bucket: bucket }));

// The server keeps objects in memory: what the suites leave is removed at the end.
afterAll(async () => {
  for (;;) {
    const page = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
    if (versions.length === 0) return;
    await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions, Quiet: true } }));
  }
});

/** A prefix of its own in the test bucket (the bucket lives as long as the test server). */
async function fixture(workDir: string, secret: string, extra: Record<string, unknown> = {}) {
  await writeFile(join(workDir, 'secret'), `${secret}\n`, { mode: 0o600 });
  return {
    options: {
      bucket,
      prefix: `kit-${randomBytes(4).toString('hex')}`,
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      accessKeyId: server.accessKeyId,
      secretAccessKeyFile: 'secret',
      maxAttempts: 1,
      ...extra,
    },
    secrets: [server.secretAccessKey, secret],
  };
}

describeTarget(target, {
  setup: (workDir) => fixture(workDir, server.secretAccessKey),
  broken: (workDir) => fixture(workDir, 'not-the-secret-key-at-all-0123456789abcd'),
});

describeTarget(target, {
  // Multipart at its smallest part size: the suite's big file goes up in several parts.
  setup: (workDir) => fixture(workDir, server.secretAccessKey, { partSize: 5 * 1024 * 1024, queueSize: 2 }),
  bigFile: 12 * 1024 * 1024,
});
