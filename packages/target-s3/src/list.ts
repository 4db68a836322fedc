import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type ListMultipartUploadsCommandOutput,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { MANIFEST_FILE, isRunId, type StoredEntry } from '@pickup/core/plugin';
import { splitKey } from './keys.js';
import type { S3Session } from './session.js';

/** How a listing finds the unfinished multipart uploads under a prefix (`pendingUploads`, or a tolerant one). */
export type UploadsUnder = (session: S3Session, prefix: string) => Promise<{ key: string }[]>;

/**
 * This host's backups in the bucket (only keys under its prefix: other hosts' are never seen): every
 * run folder, complete when its manifest is there, and runs that have only unfinished multipart
 * uploads (an interrupted push), so that prune can clear them.
 */
export async function listRuns(
  session: S3Session,
  uploadsUnder: UploadsUnder = pendingUploads,
): Promise<StoredEntry[]> {
  const { client, opts, signal } = session;
  const runs = new Map<string, boolean>();
  const seen = (key: string, manifest: boolean) => {
    const parts = splitKey(opts.prefix, key);
    if (!parts || !isRunId(parts.id)) return;
    runs.set(parts.id, (runs.get(parts.id) ?? false) || (manifest && parts.path === MANIFEST_FILE));
  };
  const listPage = (input: ListObjectsV2CommandInput) =>
    session.attempt('listing the objects', () => client.send(new ListObjectsV2Command(input), { abortSignal: signal }));
  for await (const key of objectKeys(opts.bucket, `${opts.prefix}/`, listPage)) seen(key, true);
  for (const upload of await uploadsUnder(session, `${opts.prefix}/`)) seen(upload.key, false);
  return [...runs].map(([id, complete]) => ({ id, runId: id, complete }));
}

/** Multipart uploads begun and neither completed nor aborted, under `prefix`. */
export async function pendingUploads(session: S3Session, prefix: string): Promise<{ key: string; uploadId: string }[]> {
  const { client, opts, signal } = session;
  const uploads: { key: string; uploadId: string }[] = [];
  const listPage = (next: { KeyMarker: string; UploadIdMarker: string | undefined } | undefined) => {
    const input = { Bucket: opts.bucket, Prefix: prefix, ...next };
    return session.attempt('listing the unfinished uploads', () =>
      client.send(new ListMultipartUploadsCommand(input), { abortSignal: signal }),
    );
  };
  const nextOf = ({ IsTruncated, NextKeyMarker, NextUploadIdMarker }: ListMultipartUploadsCommandOutput) =>
    IsTruncated && NextKeyMarker ? { KeyMarker: NextKeyMarker, UploadIdMarker: NextUploadIdMarker } : undefined;
  for await (const page of pages(listPage, nextOf)) {
    for (const upload of page.Uploads ?? []) {
      if (upload.Key && upload.UploadId) uploads.push({ key: upload.Key, uploadId: upload.UploadId });
    }
  }
  return uploads;
}

/**
 * The keys of the objects under `prefix`, page after page (S3 gives at most 1000 at a time). `listPage` sends
 * each request: through the session, retried, or with a client of its own (a test's).
 */
export async function* objectKeys(
  bucket: string,
  prefix: string,
  listPage: (input: ListObjectsV2CommandInput) => Promise<ListObjectsV2CommandOutput>,
): AsyncGenerator<string> {
  const nextOf = (page: ListObjectsV2CommandOutput) => (page.IsTruncated && page.NextContinuationToken) || undefined;
  const list = (token: string | undefined) => listPage({ Bucket: bucket, Prefix: prefix, ContinuationToken: token });
  for await (const page of pages(list, nextOf)) {
    for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
  }
}

/**
 * The pages of a listing S3 cuts in pages: `listPage(next)` asks for the page that starts at `next` (the first
 * one: undefined); `nextOf(page)` says where the page after it starts, undefined after the last.
 */
export async function* pages<Page, Next>(
  listPage: (next: Next | undefined) => Promise<Page>,
  nextOf: (page: Page) => Next | undefined,
): AsyncGenerator<Page> {
  let next: Next | undefined;
  do {
    const page = await listPage(next);
    yield page;
    next = nextOf(page);
  } while (next !== undefined);
}
