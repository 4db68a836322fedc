// needs: s3
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { s3 } from '../../../test/servers.js';
import { objectKeys } from '../src/list.js';

const server = s3();
const bucket = `pickup-list-${randomBytes(4).toString('hex')}`;
const admin = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  forcePathStyle: true,
});
await admin.send(new CreateBucketCommand({ Bucket: bucket }));
const keys = ['host/a', 'host/b', 'host/c/1', 'host/c/2', 'host/d', 'other/x'];
for (const key of keys) await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

afterAll(async () => {
  await admin.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }),
  );
  await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
});

describe('objectKeys', () => {
  it('lists every key under the prefix, page after page, and none beside it', async () => {
    const sizes: number[] = [];
    const listed: string[] = [];
    const twoAtATime = async (input: ListObjectsV2CommandInput) => {
      const page = await admin.send(new ListObjectsV2Command({ ...input, MaxKeys: 2 }));
      sizes.push(page.Contents?.length ?? 0);
      return page;
    };
    for await (const key of objectKeys(bucket, 'host/', twoAtATime)) listed.push(key);
    expect(listed.sort()).toEqual(['host/a', 'host/b', 'host/c/1', 'host/c/2', 'host/d']);
    expect(sizes).toEqual([2, 2, 1]);
  });
});
