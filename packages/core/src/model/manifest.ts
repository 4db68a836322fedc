import { readdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { digestOf } from '../streams/hash.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'pickup-manifest/1';

export type SourceStatus = 'ok' | 'partial' | 'failed';

export interface ManifestFile {
  /** Relative to the run's folder, `/`-separated: `<source>/<file>` (`<file>.age` when encrypted). */
  path: string;
  /** Size and sha256 of what is stored: what `pickup verify` checks, without any key. */
  size: number;
  sha256: string;
  /**
   * An encrypted file's plaintext, which `pickup restore` checks what it decrypts against: its size, and
   * its HMAC-SHA256 under a key derived from the file's age file key (a plain sha256 here would let
   * whoever holds the backups confirm a guess of the content).
   */
  plain?: { size: number; hmacSha256: string };
}

/** How a backup's files are encrypted; the public half only. */
export interface ManifestEncryption {
  format: 'age';
  /** The recipients (public keys) any of whose identities decrypts the files; empty with a passphrase. */
  recipients: string[];
  passphrase: boolean;
}

export interface ManifestSource {
  name: string;
  plugin: string;
  pluginVersion: string;
  status: SourceStatus;
  /** Why it failed or what made it partial. */
  problems: string[];
  startedAt: string;
  finishedAt: string;
  files: ManifestFile[];
  /**
   * What the source recorded about what it stored (`BackupResult.facts`): what a drill compares a
   * restored copy with. Its meaning is the source plugin's; absent in older backups.
   */
  facts?: SourceFacts;
}

/** A source's facts about a backup: JSON, read back by the same plugin (see `Source.drill`). */
export type SourceFacts = Record<string, unknown>;

/**
 * What a backup holds. Written last, so a backup without one is incomplete by definition; its file
 * list and checksums are what verify and restore check against.
 */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  runId: string;
  host: string;
  pickupVersion: string;
  status: 'complete' | 'partial';
  /** Set when the run backed up only these sources (`--only`): such a backup does not stand for a full one. */
  onlySources?: string[];
  startedAt: string;
  finishedAt: string;
  /** Present when the data files are encrypted (age). */
  encryption?: ManifestEncryption;
  sources: ManifestSource[];
}

/** Every file below `dir`, sorted, with size and sha256, paths relative to `runDir`. */
export async function describeFiles(runDir: string, dir: string, signal?: AbortSignal): Promise<ManifestFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: ManifestFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    const stats = await stat(absolute, { bigint: true });
    files.push({
      path: relative(runDir, absolute).split(sep).join('/'),
      size: Number(stats.size),
      sha256: await digestOf(absolute, stats, signal),
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function writeManifest(runDir: string, manifest: Manifest): Promise<string> {
  const path = join(runDir, MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return path;
}

/** All data files of a manifest, in order. */
export function manifestFiles(manifest: Manifest): ManifestFile[] {
  return manifest.sources.flatMap((source) => source.files);
}
