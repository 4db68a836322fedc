import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { s3 } from '../../../test/servers.js';

/**
 * A bucket of its own on the test radosgw for one test file (`<prefix>-<random>`), made now, and an
 * admin client to look at it from outside the target. `remove` aborts unfinished uploads, deletes every
 * object and version, then the bucket: the server keeps objects in memory.
 */
export async function testBucket(prefix: string) {
  const server = s3();
  const bucket = `${prefix}-${randomBytes(4).toString('hex')}`;
  const admin = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    forcePathStyle: true,
  });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const remove = async () => {
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const { Key, UploadId } of uploads.Uploads ?? [])
      await admin.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    for (;;) {
      const page = await admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key!,
        VersionId: v.VersionId,
      }));
      if (versions.length === 0) break;
      await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions, Quiet: true } }));
    }
    await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
  };
  return { server, bucket, admin, remove };
}
