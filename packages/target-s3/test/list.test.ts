// needs: s3
import { ListObjectsV2Command, PutObjectCommand, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { testBucket } from './bucket.js';
import { objectKeys } from '../src/list.js';

const { bucket, admin, remove } = await testBucket('pickup-list');
const keys = ['host/a', 'host/b', 'host/c/1', 'host/c/2', 'host/d', 'other/x'];
for (const key of keys) await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));

afterAll(remove);

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
