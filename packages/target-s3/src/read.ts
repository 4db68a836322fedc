import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { objectKey } from './keys.js';
import type { S3Options } from './options.js';

/** A file of a backup as a stream; a missing one is ENOENT, as the core expects. */
export async function readFile(client: S3Client, opts: S3Options, id: string, path: string, signal: AbortSignal): Promise<Readable> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: objectKey(opts.prefix, id, path) }), { abortSignal: signal });
    return answer.Body as Readable;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') throw Object.assign(new Error(`${path} is not in backup ${id}`), { code: 'ENOENT' });
    throw error;
  }
}
