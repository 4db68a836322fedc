import { link, lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MANIFEST_FILE,
  errnoCode,
  parseManifest,
  sha256File,
  type Manifest,
  type ManifestFile,
} from '@pickup/core/plugin';
import { listRuns } from './stored.js';

/** Finds, for a file of a new backup, an identical file in the newest complete backup at the target. */
export type PreviousCopies = (file: ManifestFile) => Promise<string | undefined>;

/**
 * Indexes the newest complete backup under `root` by sha256 and size; a candidate is used only if it is
 * a regular file whose content still has that sha256. A backup whose manifest cannot be read, or is not
 * valid (whoever holds the disk may have changed it: a path out of the backup), is no basis for
 * linking: then nothing is linked, everything is copied.
 */
export async function previousCopies(root: string): Promise<PreviousCopies> {
  const newest = (await listRuns(root)).filter((entry) => entry.complete).sort((a, b) => (a.id < b.id ? 1 : -1))[0];
  if (!newest) return async () => undefined;
  let manifest: Manifest;
  try {
    manifest = parseManifest(await readFile(join(root, newest.id, MANIFEST_FILE), 'utf8'), newest.id);
  } catch {
    return async () => undefined;
  }
  const index = new Map<string, string>();
  for (const file of manifest.sources.flatMap((source) => source.files))
    index.set(keyOf(file), join(root, newest.id, file.path));
  return async (file) => {
    const candidate = index.get(keyOf(file));
    if (!candidate) return undefined;
    // The old copy must still be what its manifest says: linking a damaged file would carry the
    // damage into every later backup. Reading it costs less than writing a copy.
    const found = await lstat(candidate).catch(() => undefined);
    if (!found?.isFile() || found.size !== file.size) return undefined; // a symlink put there would lead elsewhere
    return (await sha256File(candidate).catch(() => '')) === file.sha256 ? candidate : undefined;
  };
}

/**
 * Hard-links `existing` at `to`. Returns false where links cannot be made (another file system, a
 * file system without them, too many links): the caller copies instead.
 */
export async function tryLink(existing: string, to: string): Promise<boolean> {
  try {
    await link(existing, to);
    return true;
  } catch (error) {
    if (['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errnoCode(error) ?? '')) return false;
    throw error;
  }
}

function keyOf(file: ManifestFile): string {
  return `${file.sha256}:${file.size}`;
}
