import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describeTarget } from '@pickup/testkit';
import { s3 } from '../../../../test/servers.js';
import target from '../../src/index.js';
import { resticBy } from '../../../../test/restic.js';

const server = s3();
const bucket = `pickup-restic-${randomBytes(4).toString('hex')}`;
const admin = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  forcePathStyle: true,
});
await admin.send(new CreateBucketCommand({ Bucket: bucket }));

/** Every key under `prefix/`, as the bucket's administrator sees them. */
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await admin.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!.slice(prefix.length + 1)));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** A repository of its own under a prefix of the test bucket on the test radosgw; the key pair from files. */
async function fixture(workDir: string, extra: Record<string, unknown> = {}) {
  const write = async (name: string, text: string) => {
    await writeFile(join(workDir, name), `${text}\n`);
    await chmod(join(workDir, name), 0o600);
  };
  await write('restic-password', 'correct horse battery staple');
  await write('s3-secret', server.secretAccessKey);
  const prefix = `repo-${randomBytes(4).toString('hex')}`;
  const repository = `s3:${server.endpoint}/${bucket}/${prefix}`;
  const credentials = { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey };
  const outside = resticBy(repository, { RESTIC_PASSWORD_FILE: join(workDir, 'restic-password'), ...credentials });
  return {
    options: {
      repository,
      passwordFile: 'restic-password',
      env: { AWS_ACCESS_KEY_ID: server.accessKeyId },
      envFiles: { AWS_SECRET_ACCESS_KEY: 's3-secret' },
      init: true,
      ...extra,
    },
    contents: () => keysUnder(prefix),
    unused: () => outside.unused(),
  };
}

describeTarget(target, {
  module: new URL('../../dist/index.js', import.meta.url),
  setup: (workDir) => fixture(workDir),
  broken: (workDir) => fixture(workDir, { init: false }),
});
