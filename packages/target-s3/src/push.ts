import { stat } from 'node:fs/promises';
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
import { withFileBody } from './file-body.js';
import { objectKey } from './keys.js';
import type { S3Options } from './options.js';
import { payloadHash, withPayloadHash } from './payload-hash.js';
import { removeRun } from './remove.js';
import type { S3Session } from './session.js';

type Progress = (update: { bytes: number; files: number }) => void;

/**
 * Uploads a staged run under `<prefix>/<runId>/`, each file in one request or, above `partSize`, in
 * parts (`queueSize` at a time), each read from the staged file as it is sent (memory stays flat
 * whatever their size), each request retried on its own;
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
  const path = join(run.dir, file.path);
  if (file.size <= partSize) {
    const range = { path, start: 0, length: file.size };
    const hash = await payloadHash(opts, range);
    const input = { Bucket: opts.bucket, Key: key, ContentLength: file.size, ...storageParams(opts, file.lockUntil) };
    await session.attemptStreamed(`uploading ${file.path}`, () =>
      withFileBody(range, signal, (Body, abortSignal) =>
        client.send(withPayloadHash(new PutObjectCommand({ ...input, Body }), hash), { abortSignal }),
      ),
    );
    onProgress?.(file.size);
  } else {
    await uploadInParts(session, key, file, path, partSize, onProgress);
  }
  const head = await session.attempt(`checking ${file.path}`, () =>
    client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key }), { abortSignal: signal }),
  );
  if (head.ContentLength !== file.size) {
    throw new Error(`${file.path} has ${head.ContentLength} bytes in the bucket after upload, expected ${file.size}`);
  }
}

/** A multipart upload, `queueSize` parts at a time, each read from `staged` as it is sent; aborted on failure, its parts freed. */
async function uploadInParts(
  session: S3Session,
  key: string,
  file: FileToUpload,
  staged: string,
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
      const range = { path: staged, start, length: Math.min(partSize, file.size - start) };
      const hash = await payloadHash(opts, range);
      const input = { ...upload, PartNumber: number, ContentLength: range.length };
      const answer = await session.attemptStreamed(`uploading ${file.path} (part ${number} of ${count})`, () =>
        withFileBody(range, signal, (Body, abortSignal) =>
          client.send(withPayloadHash(new UploadPartCommand({ ...input, Body }), hash), { abortSignal }),
        ),
      );
      etags[number - 1] = answer.ETag!;
      loaded += range.length;
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
