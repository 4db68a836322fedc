import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { s3 } from '../../../../test/servers.js';

/** The test S3 server (a Ceph radosgw) and a client with its admin credentials, to look at what it holds. */
export const s3Server = s3();
export const s3Admin = new S3Client({
  endpoint: s3Server.endpoint,
  region: s3Server.region,
  credentials: { accessKeyId: s3Server.accessKeyId, secretAccessKey: s3Server.secretAccessKey },
  forcePathStyle: true,
});

/** A new bucket of its own for a test (with object lock, when asked). */
export async function newBucket(lock = false): Promise<string> {
  const bucket = `pickup-e2e-${randomBytes(4).toString('hex')}`;
  await s3Admin.send(
    new CreateBucketCommand({ Bucket: bucket, ...(lock ? { ObjectLockEnabledForBucket: true } : {}) }),
  );
  return bucket;
}

/**
 * Empties a test bucket (the server keeps objects in memory, shared by both Node runs): every version,
 * locked ones too (governance), and every unfinished multipart upload.
 */
export async function emptyBucket(bucket: string): Promise<void> {
  for (;;) {
    const page = await s3Admin.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    for (const upload of (await s3Admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []) {
      await s3Admin.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
      );
    }
    if (versions.length === 0) return;
    await s3Admin.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        BypassGovernanceRetention: true,
        Delete: { Objects: versions, Quiet: true },
      }),
    );
  }
}
