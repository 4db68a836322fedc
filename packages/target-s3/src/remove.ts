import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectRetentionCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { BackupLockedError, MANIFEST_FILE } from '@pickup/core/plugin';
import { runPrefix } from './keys.js';
import { pages, pendingUploads } from './list.js';
import type { S3Session } from './session.js';

/** DeleteObjects takes at most this many keys. */
const BATCH = 1000;

/**
 * Removes one backup whole: every version of every object under `<prefix>/<id>/` (a versioned bucket,
 * as object lock needs, keeps deleted objects as old versions otherwise), and its unfinished multipart
 * uploads. The manifest goes first, in a request of its own: a removal cut off at any moment leaves
 * objects without a manifest, an incomplete backup that retention removes, never one that lists as
 * complete. A version still under object lock is refused by the server: that is a BackupLockedError
 * naming the date it is locked until (every object of a run is locked alike, so the backup stays whole).
 */
export async function removeRun(session: S3Session, id: string): Promise<void> {
  const { client, opts, signal } = session;
  const prefix = runPrefix(opts.prefix, id);
  for (const upload of await pendingUploads(session, prefix)) {
    await session.attempt(`aborting the upload of ${upload.key}`, async (attempt) => {
      const input = { Bucket: opts.bucket, Key: upload.key, UploadId: upload.uploadId };
      // NoSuchUpload again: an earlier try aborted it, and its answer was lost.
      await client.send(new AbortMultipartUploadCommand(input), { abortSignal: signal }).catch((error: unknown) => {
        if (attempt === 1 || (error as { name?: string }).name !== 'NoSuchUpload') throw error;
      });
    });
  }
  const versions = await allVersions(session, prefix);
  const manifest = `${prefix}${MANIFEST_FILE}`;
  const batches = [versions.filter((version) => version.Key === manifest)];
  const data = versions.filter((version) => version.Key !== manifest);
  for (let at = 0; at < data.length; at += BATCH) batches.push(data.slice(at, at + BATCH));
  const refused: ObjectIdentifier[] = [];
  for (const batch of batches.filter((objects) => objects.length > 0)) {
    const input = { Bucket: opts.bucket, Delete: { Objects: batch, Quiet: true } };
    const answer = await session.attempt(`deleting ${batch.length} object version(s) of ${id}`, () =>
      client.send(new DeleteObjectsCommand(input), { abortSignal: signal }),
    );
    for (const error of answer.Errors ?? []) {
      if (error.Code !== 'AccessDenied')
        throw new Error(`cannot remove ${error.Key}: ${error.Code} ${error.Message ?? ''}`.trim());
      refused.push({ Key: error.Key!, VersionId: error.VersionId });
    }
    // A locked backup keeps its manifest, locked like the rest: nothing else is tried.
    if (refused.length > 0) break;
  }
  if (refused.length === 0) return;
  // Refused: by a lock still running, or for want of permission (which must not pass for a lock).
  const until = await lockedUntil(session, refused[0]!);
  if (until && until.getTime() > Date.now()) throw new BackupLockedError(id, until);
  throw new Error(
    `cannot remove ${refused[0]!.Key}: access denied (the credentials need s3:DeleteObject and s3:DeleteObjectVersion on this prefix)`,
  );
}

async function allVersions(session: S3Session, prefix: string): Promise<ObjectIdentifier[]> {
  const { client, opts, signal } = session;
  const found: ObjectIdentifier[] = [];
  const listPage = (next: { KeyMarker: string; VersionIdMarker: string | undefined } | undefined) => {
    const input = { Bucket: opts.bucket, Prefix: prefix, ...next };
    return session.attempt('listing object versions', () =>
      client.send(new ListObjectVersionsCommand(input), { abortSignal: signal }),
    );
  };
  const nextOf = ({ IsTruncated, NextKeyMarker, NextVersionIdMarker }: ListObjectVersionsCommandOutput) =>
    IsTruncated && NextKeyMarker ? { KeyMarker: NextKeyMarker, VersionIdMarker: NextVersionIdMarker } : undefined;
  for await (const page of pages(listPage, nextOf)) {
    for (const version of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (version.Key) found.push({ Key: version.Key, ...(version.VersionId ? { VersionId: version.VersionId } : {}) });
    }
  }
  return found;
}

async function lockedUntil(session: S3Session, object: ObjectIdentifier): Promise<Date | undefined> {
  const { client, opts, signal } = session;
  const input = { Bucket: opts.bucket, Key: object.Key, VersionId: object.VersionId };
  try {
    const retention = await session.attempt('reading the lock of an object', () =>
      client.send(new GetObjectRetentionCommand(input), { abortSignal: signal }),
    );
    return retention.Retention?.RetainUntilDate;
  } catch {
    return undefined;
  }
}
