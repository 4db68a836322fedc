import { S3Client } from '@aws-sdk/client-s3';
import { readSecretFile, type Logger } from '@pickup/core/plugin';
import type { S3Options } from './options.js';

/**
 * The S3 client for the options: the SDK's own retries (with backoff, for throttling and 5xx), a
 * connection silent for `timeout` seconds counted as dropped, and checksums only where the API
 * requires them (Ceph and other S3 services refuse the SDK's streamed trailing checksums).
 */
export async function clientOf(opts: S3Options, resolvePath: (path: string) => string, log: Logger): Promise<S3Client> {
  // On Node 20 the SDK warns on every start that its 2027 releases need Node 22: from cron, that would be
  // mail every night. The pinned release runs on Node 20; docs/targets/s3.md says so once.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const secret = opts.secretAccessKeyFile
    ? await readSecretFile(resolvePath(opts.secretAccessKeyFile), {
        option: 'secretAccessKeyFile',
        log,
        what: 'secret access key',
      })
    : opts.secretAccessKey;
  return new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle,
    ...(opts.accessKeyId && secret ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: secret } } : {}),
    maxAttempts: opts.maxAttempts,
    retryMode: opts.retryMode,
    requestHandler: { connectionTimeout: opts.timeout * 1000, socketTimeout: opts.timeout * 1000 },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger: SILENT,
  });
}

/**
 * The SDK's own log. Without one it writes a line on stderr each time a request with a streamed body
 * (an upload) fails; Pickup says what failed and what it does about it itself (S3Session.attempt).
 */
const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);
/** Answers that say "slow down" or "try later". */
const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/** A failure sending the request again may get past: no connection, a timeout, a 5xx answer, throttling. */
export function isTransient(error: unknown): boolean {
  const err = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (
    err.name &&
    (THROTTLING.has(err.name) || ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'].includes(err.name))
  )
    return true;
  return (err.code !== undefined && NETWORK_CODES.has(err.code)) || Boolean(err.$retryable);
}

/** An error of the service or of the connection to it, as opposed to one of ours (a local file, a check). */
export function isServiceError(error: unknown): boolean {
  return isTransient(error) || (typeof error === 'object' && error !== null && '$metadata' in error);
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
