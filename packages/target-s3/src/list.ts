import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MANIFEST_FILE, isRunId, type StoredEntry } from '@pickup/core/plugin';
import { splitKey } from './keys.js';
import type { S3Session } from './session.js';

/**
 * This host's backups in the bucket (only keys under its prefix: other hosts' are never seen): every
 * run folder, complete when its manifest is there, and runs that have only unfinished multipart
 * uploads (an interrupted push), so that prune can clear them.
 */
export async function listRuns(session: S3Session): Promise<StoredEntry[]> {
  const { client, opts, signal } = session;
  const runs = new Map<string, boolean>();
  const seen = (key: string, manifest: boolean) => {
    const parts = splitKey(opts.prefix, key);
    if (!parts || !isRunId(parts.id)) return;
    runs.set(parts.id, (runs.get(parts.id) ?? false) || (manifest && parts.path === MANIFEST_FILE));
  };
  let token: string | undefined;
  do {
    const input = { Bucket: opts.bucket, Prefix: `${opts.prefix}/`, ...(token ? { ContinuationToken: token } : {}) };
    const page = await session.attempt('listing the objects', () => client.send(new ListObjectsV2Command(input), { abortSignal: signal }));
    for (const object of page.Contents ?? []) if (object.Key) seen(object.Key, true);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  for (const upload of await pendingUploads(session, `${opts.prefix}/`)) seen(upload.key, false);
  return [...runs].map(([id, complete]) => ({ id, runId: id, complete }));
}

/** Multipart uploads begun and neither completed nor aborted, under `prefix`. */
export async function pendingUploads(session: S3Session, prefix: string): Promise<{ key: string; uploadId: string }[]> {
  const { client, opts, signal } = session;
  const uploads: { key: string; uploadId: string }[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const input = {
      Bucket: opts.bucket,
      Prefix: prefix,
      ...(keyMarker ? { KeyMarker: keyMarker } : {}),
      ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
    };
    const page = await session.attempt('listing the unfinished uploads', () =>
      client.send(new ListMultipartUploadsCommand(input), { abortSignal: signal }),
    );
    for (const upload of page.Uploads ?? []) if (upload.Key && upload.UploadId) uploads.push({ key: upload.Key, uploadId: upload.UploadId });
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return uploads;
}
