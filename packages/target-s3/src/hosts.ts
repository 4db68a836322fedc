import type { Readable } from 'node:stream';
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { isRunId, type Logger, type StoredEntry } from '@pickup/core/plugin';
import { splitKey } from './keys.js';
import { listRuns, pages, pendingUploads, type UploadsUnder } from './list.js';
import { readFile } from './read.js';
import { S3Session } from './session.js';

/** One host of the bucket: the prefix its own config names, and its backups, read only. */
export interface BucketHost {
  host: string;
  own: boolean;
  prefix: string;
  list(): Promise<StoredEntry[]>;
  read(id: string, path: string): Promise<Readable>;
}

/** Prefixes looked into at the same time, to tell hosts from other things beside them. */
const PROBES = 8;

/** Where the prefixes beside `prefix` are: `backups/web1` → `backups/`, `web1` → `` (the bucket's top level). */
export function parentOf(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

/**
 * The hosts that keep backups in the bucket beside this config's prefix: the "folders" one level below
 * its parent that hold a run (as `listRuns` would list one), and this config's own, even without any.
 * Only reads: ListObjectsV2 (s3:ListBucket), ListMultipartUploads (s3:ListBucketMultipartUploads: where
 * refused, left out with a warning) and, for `read`, GetObject (s3:GetObject).
 */
export async function listHosts(session: S3Session, log: Logger): Promise<BucketHost[]> {
  const own = session.opts.prefix;
  const parent = parentOf(own);
  const uploadsUnder = uploadsIfAllowed(log);
  // Unfinished uploads are few (pushes cut off): all of them under the parent, in one listing.
  const uploads = await uploadsUnder(session, parent);
  const candidates = new Set([own]);
  for await (const folder of subfolders(session, parent)) candidates.add(folder);
  for (const { key } of uploads) {
    const folder = key.slice(parent.length).split('/');
    if (folder.length > 1 && folder[0]) candidates.add(`${parent}${folder[0]}`);
  }
  const isHost = async (prefix: string) => prefix === own || (await holdsRun(session, prefix, uploads));
  const found = await eachAtMost([...candidates].sort(), PROBES, async (prefix) =>
    (await isHost(prefix)) ? prefix : '',
  );
  return found
    .filter((prefix) => prefix !== '')
    .map((prefix) => {
      const hostSession = new S3Session(session.client, { ...session.opts, prefix }, log, session.signal);
      return {
        host: prefix.slice(parent.length),
        own: prefix === own,
        prefix,
        list: () => listRuns(hostSession, uploadsUnder),
        read: (id: string, path: string) => readFile(hostSession, id, path),
      };
    });
}

/**
 * Whether `prefix` holds a run folder (`<prefix>/<runId>/`) or an unfinished upload into one. Only the
 * folders right below it are listed, page by page until one is a run: a prefix beside the hosts that
 * holds something else costs a listing of its top level, never of all its keys.
 */
async function holdsRun(session: S3Session, prefix: string, uploads: readonly { key: string }[]): Promise<boolean> {
  if (uploads.some(({ key }) => isRunId(splitKey(prefix, key)?.id ?? ''))) return true;
  for await (const folder of subfolders(session, `${prefix}/`)) {
    if (isRunId(folder.slice(prefix.length + 1))) return true;
  }
  return false;
}

/** The "folders" right below `under` (`` or ending in `/`), without their trailing `/`: ListObjectsV2 with a delimiter. */
async function* subfolders(session: S3Session, under: string): AsyncGenerator<string> {
  const { client, opts, signal } = session;
  const listPage = (token: string | undefined) =>
    session.attempt('listing the folders', () =>
      client.send(
        new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: under, Delimiter: '/', ContinuationToken: token }),
        { abortSignal: signal },
      ),
    );
  const nextOf = (page: ListObjectsV2CommandOutput) => (page.IsTruncated && page.NextContinuationToken) || undefined;
  for await (const page of pages(listPage, nextOf)) {
    for (const { Prefix } of page.CommonPrefixes ?? []) {
      const name = Prefix?.slice(under.length, -1);
      if (name) yield `${under}${name}`;
    }
  }
}

/**
 * `pendingUploads`, or none once the credentials were refused ListMultipartUploads (a report-only key
 * with s3:ListBucket and s3:GetObject alone): said once, as information (such a key is a choice, not a
 * fault to mail from cron every night), since pushes cut off during their first upload then go unseen.
 */
function uploadsIfAllowed(log: Logger): UploadsUnder {
  let denied = false;
  return async (session, prefix) => {
    if (denied) return [];
    try {
      return await pendingUploads(session, prefix);
    } catch (error) {
      if ((error as { cause?: { name?: string } }).cause?.name !== 'AccessDenied') throw error;
      denied = true;
      log.info(
        `listing the unfinished uploads in s3://${session.opts.bucket}/${prefix}: access denied; pushes cut off ` +
          'during their first upload are not shown (the credentials need s3:ListBucketMultipartUploads)',
      );
      return [];
    }
  };
}

/** `probe` of every item, at most `limit` at a time; the results in the items' order. */
async function eachAtMost<T, R>(items: readonly T[], limit: number, probe: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await probe(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
