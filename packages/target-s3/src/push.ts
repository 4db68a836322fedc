import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { MANIFEST_FILE, type StagedRun } from '@pickup/core/plugin';
import { objectKey } from './keys.js';
import type { S3Options } from './options.js';
import { removeRun } from './remove.js';
import type { S3Session } from './session.js';

type Progress = (update: { bytes: number; files: number }) => void;

/**
 * Uploads a staged run under `<prefix>/<runId>/`, each file in one request or, above `partSize`, in
 * parts (`queueSize` at a time: memory is bounded by their product), each request retried on its own;
 * its size checked on the server, the manifest last: until it is there, the run does not list as
 * complete. A run whose manifest is there already is a backup: refused, never overwritten. On failure,
 * what was uploaded is removed where the lock allows it, and an unfinished multipart upload is aborted.
 */
export async function pushRun(session: S3Session, run: StagedRun, progress?: Progress): Promise<void> {
  // Before anything is written: a failed push removes what is under the run's prefix.
  if (await manifestThere(session, run.runId))
    throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  const sent = { bytes: 0, files: 0 };
  // One date for the whole backup: its files must not come out of their lock before its manifest.
  const lockUntil = session.opts.lock ? new Date(Date.now() + session.opts.lock.days * 24 * 3600 * 1000) : undefined;
  try {
    for (const file of run.files) {
      const onProgress = (loaded: number) => progress?.({ bytes: sent.bytes + loaded, files: sent.files });
      await uploadFile(session, run, { path: file.path, size: file.size, lockUntil }, onProgress);
      sent.bytes += file.size;
      sent.files++;
    }
    await uploadFile(session, run, {
      path: run.manifestFile,
      size: (await stat(join(run.dir, run.manifestFile))).size,
      lockUntil,
    });
  } catch (error) {
    // Also after an interruption; tried once: the push has failed already. Locked objects stay; they never list as complete.
    await removeRun(session.with({ retryFor: 0, signal: new AbortController().signal }), run.runId).catch(() => {});
    throw error;
  }
}

/**
 * Whether the run's manifest is in the bucket: a complete backup of that run id. A listing, not a HEAD
 * request: S3 says why it refuses a listing (a wrong secret, a missing bucket), a HEAD gets no reason back.
 */
async function manifestThere(session: S3Session, runId: string): Promise<boolean> {
  const { client, opts, signal } = session;
  const key = objectKey(opts.prefix, runId, MANIFEST_FILE);
  const input = { Bucket: opts.bucket, Prefix: key, MaxKeys: 1 };
  const page = await session.attempt(`looking for backup ${runId}`, () =>
    client.send(new ListObjectsV2Command(input), { abortSignal: signal }),
  );
  return (page.Contents ?? []).some((object) => object.Key === key);
}

/** S3 allows 10,000 parts per upload: a bigger file gets bigger parts (a little room kept). */
const MAX_PARTS = 9_000;

interface FileToUpload {
  path: string;
  size: number;
  lockUntil: Date | undefined;
}

async function uploadFile(
  session: S3Session,
  run: StagedRun,
  file: FileToUpload,
  onProgress?: (loaded: number) => void,
): Promise<void> {
  const { client, opts, signal } = session;
  const key = objectKey(opts.prefix, run.runId, file.path);
  const partSize = Math.max(opts.partSize, Math.ceil(file.size / MAX_PARTS));
  const handle = await open(join(run.dir, file.path), 'r');
  try {
    if (file.size <= partSize) {
      const body = await readPart(handle, 0, file.size);
      const input = {
        Bucket: opts.bucket,
        Key: key,
        Body: body,
        ContentLength: file.size,
        ...storageParams(opts, file.lockUntil),
      };
      await session.attempt(`uploading ${file.path}`, () =>
        client.send(new PutObjectCommand(input), { abortSignal: signal }),
      );
      onProgress?.(file.size);
    } else {
      await uploadInParts(session, key, file, handle, partSize, onProgress);
    }
  } finally {
    await handle.close();
  }
  const head = await session.attempt(`checking ${file.path}`, () =>
    client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key }), { abortSignal: signal }),
  );
  if (head.ContentLength !== file.size) {
    throw new Error(`${file.path} has ${head.ContentLength} bytes in the bucket after upload, expected ${file.size}`);
  }
}

/** A multipart upload, `queueSize` parts at a time, each part read when its turn comes; aborted on failure, its parts freed. */
async function uploadInParts(
  session: S3Session,
  key: string,
  file: FileToUpload,
  handle: FileHandle,
  partSize: number,
  onProgress?: (loaded: number) => void,
): Promise<void> {
  const { client, opts, signal } = session;
  const target = { Bucket: opts.bucket, Key: key };
  const started = await session.attempt(`starting the upload of ${file.path}`, () =>
    client.send(new CreateMultipartUploadCommand({ ...target, ...storageParams(opts, file.lockUntil) }), {
      abortSignal: signal,
    }),
  );
  const upload = { ...target, UploadId: started.UploadId! };
  const count = Math.ceil(file.size / partSize);
  const etags: string[] = [];
  let next = 0;
  let loaded = 0;
  let failed = false;
  const uploadParts = async () => {
    while (next < count && !failed) {
      const number = ++next;
      const start = (number - 1) * partSize;
      const length = Math.min(partSize, file.size - start);
      const body = await readPart(handle, start, length);
      const what = `uploading ${file.path} (part ${number} of ${count})`;
      const answer = await session.attempt(what, () =>
        client.send(new UploadPartCommand({ ...upload, PartNumber: number, Body: body, ContentLength: length }), {
          abortSignal: signal,
        }),
      );
      etags[number - 1] = answer.ETag!;
      loaded += length;
      onProgress?.(loaded);
    }
  };
  try {
    const workers = await Promise.allSettled(
      Array.from({ length: Math.min(opts.queueSize, count) }, () =>
        uploadParts().catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = workers.find((worker) => worker.status === 'rejected');
    if (failure) throw failure.reason;
    const parts = etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 }));
    const complete = { ...upload, MultipartUpload: { Parts: parts } };
    await session.attempt(`completing the upload of ${file.path}`, (attempt) =>
      client.send(new CompleteMultipartUploadCommand(complete), { abortSignal: signal }).catch((error: unknown) => {
        // Completed by an earlier try whose answer was lost: the size check after it tells.
        if (attempt === 1 || (error as { name?: string }).name !== 'NoSuchUpload') throw error;
      }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand(upload)).catch(() => {});
    throw error;
  }
}

async function readPart(handle: FileHandle, start: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
    if (bytesRead === 0) throw new Error(`the staged file ended at ${start + filled} bytes, before ${start + length}`);
    filled += bytesRead;
  }
  return buffer;
}

/** Storage class, server-side encryption and object lock, as the options ask. */
function storageParams(opts: S3Options, lockUntil: Date | undefined): Partial<PutObjectCommandInput> {
  return {
    ...(opts.storageClass ? { StorageClass: opts.storageClass as PutObjectCommandInput['StorageClass'] } : {}),
    ...(opts.serverSideEncryption ? { ServerSideEncryption: opts.serverSideEncryption } : {}),
    ...(opts.kmsKeyId ? { SSEKMSKeyId: opts.kmsKeyId } : {}),
    ...(opts.lock && lockUntil
      ? {
          ObjectLockMode: opts.lock.mode === 'governance' ? 'GOVERNANCE' : 'COMPLIANCE',
          ObjectLockRetainUntilDate: lockUntil,
        }
      : {}),
  };
}
