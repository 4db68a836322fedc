import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { BackupLockedError } from '@pickup/core';
import { runPrefix } from './keys.js';
import { pendingUploads } from './list.js';
import type { S3Options } from './options.js';

/** DeleteObjects takes at most this many keys. */
const BATCH = 1000;

/**
 * Removes one backup whole: every version of every object under `<prefix>/<id>/` (a versioned bucket,
 * as object lock needs, keeps deleted objects as old versions otherwise), and its unfinished multipart
 * uploads. A version still under object lock is refused by the server: that is a BackupLockedError
 * naming the date it is locked until (every object of a run is locked alike, so the backup stays whole).
 */
export async function removeRun(client: S3Client, opts: S3Options, id: string, signal?: AbortSignal): Promise<void> {
  const prefix = runPrefix(opts.prefix, id);
  const send = { abortSignal: signal };
  for (const upload of await pendingUploads(client, opts, prefix, signal ?? new AbortController().signal)) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: opts.bucket, Key: upload.key, UploadId: upload.uploadId }), send);
  }
  const versions = await allVersions(client, opts, prefix, signal);
  // The manifest goes first: a backup removed only in part must not look complete. A locked backup
  // keeps its manifest, locked like the rest.
  versions.sort((a, b) => Number(b.Key!.endsWith('/manifest.json')) - Number(a.Key!.endsWith('/manifest.json')));
  const refused: ObjectIdentifier[] = [];
  for (let at = 0; at < versions.length; at += BATCH) {
    const answer = await client.send(new DeleteObjectsCommand({ Bucket: opts.bucket, Delete: { Objects: versions.slice(at, at + BATCH), Quiet: true } }), send);
    for (const error of answer.Errors ?? []) {
      if (error.Code !== 'AccessDenied') throw new Error(`cannot remove ${error.Key}: ${error.Code} ${error.Message ?? ''}`.trim());
      refused.push({ Key: error.Key!, VersionId: error.VersionId });
    }
  }
  if (refused.length === 0) return;
  // Refused: by a lock still running, or for want of permission (which must not pass for a lock).
  const until = await lockedUntil(client, opts, refused[0]!, signal);
  if (until && until.getTime() > Date.now()) throw new BackupLockedError(id, until);
  throw new Error(`cannot remove ${refused[0]!.Key}: access denied (the credentials need s3:DeleteObject and s3:DeleteObjectVersion on this prefix)`);
}

async function allVersions(client: S3Client, opts: S3Options, prefix: string, signal?: AbortSignal): Promise<ObjectIdentifier[]> {
  const found: ObjectIdentifier[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: opts.bucket,
        Prefix: prefix,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
      }),
      { abortSignal: signal },
    );
    for (const version of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (version.Key) found.push({ Key: version.Key, ...(version.VersionId ? { VersionId: version.VersionId } : {}) });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return found;
}

async function lockedUntil(client: S3Client, opts: S3Options, object: ObjectIdentifier, signal?: AbortSignal): Promise<Date | undefined> {
  try {
    const retention = await client.send(new GetObjectRetentionCommand({ Bucket: opts.bucket, Key: object.Key, VersionId: object.VersionId }), { abortSignal: signal });
    return retention.Retention?.RetainUntilDate;
  } catch {
    return undefined;
  }
}
