import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { StagedRun } from '@pickup/core';
import { objectKey } from './keys.js';
import type { S3Options } from './options.js';
import { removeRun } from './remove.js';

export interface PushTo {
  client: S3Client;
  opts: S3Options;
  signal: AbortSignal;
  progress?: ((update: { bytes: number; files: number }) => void) | undefined;
}

/**
 * Uploads a staged run under `<prefix>/<runId>/`, each file streamed (multipart above `partSize`,
 * `queueSize` parts at a time: memory is bounded by their product), its size checked on the server,
 * the manifest last: until it is there, the run does not list as complete. On failure, what was
 * uploaded is removed where the lock allows it, and an unfinished multipart upload is aborted.
 */
export async function pushRun(to: PushTo, run: StagedRun): Promise<void> {
  const sent = { bytes: 0, files: 0 };
  // One date for the whole backup: its files must not come out of their lock before its manifest.
  const lockUntil = to.opts.lock ? new Date(Date.now() + to.opts.lock.days * 24 * 3600 * 1000) : undefined;
  const upload = (path: string, size: number, onProgress?: (loaded: number) => void) => uploadFile(to, run, { path, size, lockUntil }, onProgress);
  try {
    for (const file of run.files) {
      await upload(file.path, file.size, (loaded) => to.progress?.({ bytes: sent.bytes + loaded, files: sent.files }));
      sent.bytes += file.size;
      sent.files++;
    }
    await upload(run.manifestFile, (await stat(join(run.dir, run.manifestFile))).size);
  } catch (error) {
    await removeRun(to.client, to.opts, run.runId).catch(() => {}); // locked objects stay; they never list as complete
    throw error;
  }
}

/** S3 allows 10,000 parts per upload: a bigger file gets bigger parts (a little room kept). */
const MAX_PARTS = 9_000;

async function uploadFile(
  to: PushTo,
  run: StagedRun,
  file: { path: string; size: number; lockUntil: Date | undefined },
  onProgress?: (loaded: number) => void,
): Promise<void> {
  const { client, opts, signal } = to;
  const { path, size } = file;
  const key = objectKey(opts.prefix, run.runId, path);
  const upload = new Upload({
    client,
    params: { Bucket: opts.bucket, Key: key, Body: createReadStream(join(run.dir, path)), ContentLength: size, ...storageParams(opts, file.lockUntil) },
    partSize: Math.max(opts.partSize, Math.ceil(size / MAX_PARTS)),
    queueSize: opts.queueSize,
    leavePartsOnError: false, // a failed multipart upload is aborted, its parts freed
  });
  if (onProgress) upload.on('httpUploadProgress', (progress) => onProgress(progress.loaded ?? 0));
  const abort = () => void upload.abort();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } finally {
    signal.removeEventListener('abort', abort);
  }
  const head = await client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: key }), { abortSignal: signal });
  if (head.ContentLength !== size) throw new Error(`${path} has ${head.ContentLength} bytes in the bucket after upload, expected ${size}`);
}

/** Storage class, server-side encryption and object lock, as the options ask. */
function storageParams(opts: S3Options, lockUntil: Date | undefined): Partial<PutObjectCommandInput> {
  return {
    ...(opts.storageClass ? { StorageClass: opts.storageClass as PutObjectCommandInput['StorageClass'] } : {}),
    ...(opts.serverSideEncryption ? { ServerSideEncryption: opts.serverSideEncryption } : {}),
    ...(opts.kmsKeyId ? { SSEKMSKeyId: opts.kmsKeyId } : {}),
    ...(opts.lock && lockUntil ? { ObjectLockMode: opts.lock.mode === 'governance' ? 'GOVERNANCE' : 'COMPLIANCE', ObjectLockRetainUntilDate: lockUntil } : {}),
  };
}
