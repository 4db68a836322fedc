import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../config/cache-dir.js';
import type { ManifestDigest } from '../report/fleet-build.js';

const CACHE_FORMAT = 'pickup-report-cache/1';

/**
 * The digests of the manifests a report read at one store, kept between reports: a backup's manifest never
 * changes, so a fleet of hundreds of backups is read once, then only its new backups. What a report no
 * longer saw listed (a backup removed by retention) is dropped when the cache is saved.
 */
export interface DigestCache {
  get(host: string, id: string): ManifestDigest | undefined;
  set(host: string, id: string, digest: ManifestDigest): void;
  /** Keeps what was stored of `host` (whose backups could not be listed this time). */
  keepHost(host: string): void;
  /** Writes what was used or added in this report; a cache that cannot be written is done without. */
  save(): Promise<void>;
}

type Digests = Record<string, Record<string, ManifestDigest>>;

/** The cache of the store `key` names (the config, the target and where it stores), or one that keeps nothing. */
export async function openDigestCache(key: string): Promise<DigestCache> {
  const dir = cacheDir('report');
  const file = dir && join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  const stored = file ? await readDigests(file) : {};
  const used: Digests = {};
  const keep = (host: string, id: string, digest: ManifestDigest) => {
    used[host] ??= {};
    used[host][id] = digest;
  };
  return {
    get(host, id) {
      const digest = stored[host]?.[id];
      if (digest) keep(host, id, digest);
      return digest;
    },
    set: keep,
    keepHost(host) {
      for (const [id, digest] of Object.entries(stored[host] ?? {})) keep(host, id, digest);
    },
    async save() {
      if (!file) return;
      const temp = `${file}.${process.pid}.tmp`;
      try {
        await writeFile(temp, JSON.stringify({ format: CACHE_FORMAT, digests: used }), { mode: 0o600 });
        await rename(temp, file);
      } catch {
        await rm(temp, { force: true });
      }
    },
  };
}

/** What an earlier report kept; nothing if the file is missing, damaged or of another format. */
async function readDigests(file: string): Promise<Digests> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { format?: unknown; digests?: unknown };
    if (parsed.format !== CACHE_FORMAT || typeof parsed.digests !== 'object' || parsed.digests === null) return {};
    const digests: Digests = {};
    for (const [host, byId] of Object.entries(parsed.digests as Record<string, unknown>)) {
      if (typeof byId !== 'object' || byId === null) continue;
      const kept = Object.entries(byId as Record<string, unknown>).filter(([, digest]) => looksLikeDigest(digest));
      if (kept.length > 0) digests[host] = Object.fromEntries(kept) as Record<string, ManifestDigest>;
    }
    return digests;
  } catch {
    return {};
  }
}

function looksLikeDigest(value: unknown): value is ManifestDigest {
  const digest = value as Partial<ManifestDigest> | null;
  return (
    typeof digest === 'object' &&
    digest !== null &&
    typeof digest.runId === 'string' &&
    typeof digest.finishedAt === 'string' &&
    (digest.status === 'complete' || digest.status === 'partial') &&
    typeof digest.bytes === 'number' &&
    Array.isArray(digest.sources)
  );
}
