import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { OptionError, errnoCode } from '@pickup/core';
import type { S3Options } from './options.js';

/**
 * The S3 client for the options: the SDK's own retries (with backoff, for throttling and 5xx), and
 * checksums only where the API requires them (Ceph and other S3 services refuse the SDK's streamed
 * trailing checksums on uploads of unknown length).
 */
export async function clientOf(opts: S3Options, resolvePath: (path: string) => string): Promise<S3Client> {
  // On Node 20 the SDK warns on every start that its 2027 releases need Node 22: from cron, that would be
  // mail every night. The pinned release runs on Node 20; docs/targets/s3.md says so once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle,
    ...(opts.accessKeyId ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: await secretOf(opts, resolvePath) } } : {}),
    maxAttempts: opts.maxAttempts,
    retryMode: opts.retryMode,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function secretOf(opts: S3Options, resolvePath: (path: string) => string): Promise<string> {
  if (opts.secretAccessKey) return opts.secretAccessKey;
  const file = resolvePath(opts.secretAccessKeyFile!);
  try {
    const secret = (await readFile(file, 'utf8')).split(/\r?\n/)[0]!.trim();
    if (secret === '') throw new OptionError('secretAccessKeyFile', `${file} is empty; write the secret access key on its first line`);
    return secret;
  } catch (error) {
    if (error instanceof OptionError) throw error;
    const why = errnoCode(error) === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new OptionError('secretAccessKeyFile', `${file} ${why}`);
  }
}

/** The one-line reason of an S3 error: S3 services often send a code and no message. */
export function describeS3Error(error: unknown): string {
  const err = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = err.$metadata?.httpStatusCode;
  const known: Record<string, string> = {
    SignatureDoesNotMatch: 'the secret access key is wrong',
    InvalidAccessKeyId: 'the access key id is unknown',
    NoSuchBucket: 'the bucket does not exist',
    AccessDenied: 'access denied',
    RequestTimeTooSkewed: "this machine's clock is more than 15 minutes off",
  };
  if (err.name && known[err.name]) return `${known[err.name]} (${err.name})`;
  if (err.code === 'ECONNREFUSED') return `nothing listens at the endpoint (${err.message})`;
  const message = err.message && err.message !== 'UnknownError' ? err.message : undefined;
  return [err.name, message, status ? `HTTP ${status}` : undefined].filter(Boolean).join(': ') || String(error);
}
