import type { PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { sha256OfRange, type FileRange } from '@pickup/core/plugin';
import type { S3Options } from './options.js';

/**
 * What an upload's signature says of its body. A streamed body is signed as `UNSIGNED-PAYLOAD`: over
 * https, TLS keeps it from being changed on the way; over plain http, nothing would, so there its
 * sha256 is signed, as the SDK does for a body in memory (read once more beforehand, a chunk at a time).
 */
export async function payloadHash(opts: S3Options, range: FileRange): Promise<string | undefined> {
  return opts.endpoint && new URL(opts.endpoint).protocol === 'http:' ? sha256OfRange(range) : undefined;
}

/** The command, its body signed with `hash` (from payloadHash), if any. */
export function withPayloadHash<C extends PutObjectCommand | UploadPartCommand>(
  command: C,
  hash: string | undefined,
): C {
  if (hash === undefined) return command;
  (command.middlewareStack as PutObjectCommand['middlewareStack']).add(
    (next) => (args) => {
      // The signer takes this header's value for the body's hash instead of computing it.
      (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = hash;
      return next(args);
    },
    { step: 'build', name: 'pickupPayloadHash' },
  );
  return command;
}
