// needs: s3
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll } from 'vitest';
import { describeTarget, type TargetFixture } from '@pickup/testkit';
import { testBucket } from './bucket.js';
import target from '../src/index.js';
import { objectKeys } from '../src/list.js';

const { server, bucket, admin, remove } = await testBucket('pickup-kit');

afterAll(remove);

/** What the bucket holds under `prefix/`, seen by the admin: each key (below the prefix) and each unfinished multipart upload. */
async function keysUnder(prefix: string): Promise<string[]> {
  const objects = async () => {
    const keys: string[] = [];
    for await (const key of objectKeys(bucket, `${prefix}/`, (input) => admin.send(new ListObjectsV2Command(input)))) {
      keys.push(key.slice(prefix.length + 1));
    }
    return keys;
  };
  const uploads = async () => {
    const page = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix}/` }));
    return (page.Uploads ?? []).map((upload) => `${upload.Key!.slice(prefix.length + 1)} (unfinished upload)`);
  };
  return (await Promise.all([objects(), uploads()])).flat().sort();
}

/**
 * A store of its own in the test bucket (the bucket lives as long as the test server): `kit-<random>/`,
 * whose hosts each have a prefix below it, the fixture's own `kit-<random>/own`.
 */
async function fixture(workDir: string, secret: string, extra: Record<string, unknown> = {}) {
  await writeFile(join(workDir, 'secret'), `${secret}\n`, { mode: 0o600 });
  const store = `kit-${randomBytes(4).toString('hex')}`;
  const at = (host: string): TargetFixture => {
    const prefix = `${store}/${host}`;
    return {
      options: {
        bucket,
        prefix,
        endpoint: server.endpoint,
        region: server.region,
        forcePathStyle: true,
        accessKeyId: server.accessKeyId,
        secretAccessKeyFile: 'secret',
        maxAttempts: 1,
        ...extra,
      },
      secrets: [server.secretAccessKey, secret],
      contents: () => keysUnder(prefix),
      forHost: at,
    };
  };
  return at('own');
}

const module = new URL('../dist/index.js', import.meta.url);

describeTarget(target, {
  module,
  setup: (workDir) => fixture(workDir, server.secretAccessKey),
  broken: (workDir) => fixture(workDir, 'not-the-secret-key-at-all-0123456789abcd'),
});

describeTarget(target, {
  module,
  // Multipart at its smallest part size: the suite's big file goes up in several parts.
  setup: (workDir) => fixture(workDir, server.secretAccessKey, { partSize: 5 * 1024 * 1024, queueSize: 2 }),
  bigFile: 12 * 1024 * 1024,
});
