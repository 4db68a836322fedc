import { hostname } from 'node:os';
import { DEFAULT_RETRY_FOR, z } from '@pickup/core/plugin';

/** `/a//b/` → `a/b`: the prefix is a folder-like key part, never doubled slashes, never a leading one. */
export function normalizePrefix(prefix: string): string {
  return prefix
    .split('/')
    .filter((part) => part !== '')
    .join('/');
}

export const options = z
  .object({
    bucket: z.string().min(3, 'the bucket name'),
    /** Where every backup of this host goes: `<prefix>/<runId>/...`. Default: this machine's host name, so many hosts share a bucket. */
    prefix: z
      .string()
      .default(hostname())
      .transform(normalizePrefix)
      .refine((prefix) => prefix !== '', 'a prefix with at least one character besides "/"'),
    /** Another S3 service than AWS: `https://s3.eu-central-003.backblazeb2.com`, `http://127.0.0.1:9000`. */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
    region: z.string().min(1).default('us-east-1'),
    /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (Ceph, MinIO). */
    forcePathStyle: z.boolean().default(false),
    /** Without these, the SDK's usual chain: environment, shared credentials file, instance or task role. */
    accessKeyId: z.string().min(1).optional(),
    /** Prefer `secretAccessKeyFile`. */
    secretAccessKey: z.string().min(1).optional(),
    /** A file whose first line is the secret access key. Relative to the config file. */
    secretAccessKeyFile: z.string().min(1).optional(),
    storageClass: z.string().min(1).optional(),
    serverSideEncryption: z.enum(['AES256', 'aws:kms', 'aws:kms:dsse']).optional(),
    kmsKeyId: z.string().min(1).optional(),
    /** Bytes of each part of a multipart upload (at least 5 MiB). */
    partSize: z
      .number()
      .int()
      .min(5 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    /** Parts uploaded at the same time, per file. */
    queueSize: z.number().int().min(1).max(32).default(4),
    /** Every object of a backup under retention until `days` after its push: it cannot be deleted before. */
    lock: z
      .object({ mode: z.enum(['governance', 'compliance']), days: z.number().int().min(1).max(36500) })
      .strict()
      .optional(),
    /**
     * Seconds during which a request (an object or part upload, a list page, a delete batch) that failed
     * for a passing reason (no connection, a timeout, a 5xx answer, throttling) is sent again, from its
     * first failure; 0: never.
     */
    retryFor: z.number().min(0).default(DEFAULT_RETRY_FOR),
    /** Seconds without an answer (to connect, or while a request waits) before a connection counts as dropped. */
    timeout: z.number().positive().default(60),
    /** Tries per request, with the SDK's backoff, for throttling and 5xx answers, before `retryFor` takes over. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    retryMode: z.enum(['standard', 'adaptive']).default('standard'),
  })
  .strict()
  .refine((value) => !(value.secretAccessKey && value.secretAccessKeyFile), {
    message: 'give secretAccessKey or secretAccessKeyFile, not both',
    path: ['secretAccessKeyFile'],
  })
  .refine((value) => !value.accessKeyId === !(value.secretAccessKey || value.secretAccessKeyFile), {
    message:
      "give accessKeyId together with secretAccessKey or secretAccessKeyFile (or neither, for the SDK's usual credentials)",
    path: ['accessKeyId'],
  });

export type S3Options = z.output<typeof options>;
