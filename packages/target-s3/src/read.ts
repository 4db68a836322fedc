import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { objectKey } from './keys.js';
import type { S3Session } from './session.js';

/** A file of a backup as a stream (its request retried until the answer begins); a missing one is ENOENT, as the core expects. */
export async function readFile(session: S3Session, id: string, path: string): Promise<Readable> {
  const { client, opts, signal } = session;
  const input = { Bucket: opts.bucket, Key: objectKey(opts.prefix, id, path) };
  try {
    const answer = await session.attempt(`reading ${id}/${path}`, () =>
      client.send(new GetObjectCommand(input), { abortSignal: signal }),
    );
    return answer.Body as Readable;
  } catch (error) {
    if ((error as { cause?: { name?: string } }).cause?.name === 'NoSuchKey') {
      throw Object.assign(new Error(`${path} is not in backup ${id}`), { code: 'ENOENT' });
    }
    throw error;
  }
}
