import { createReadStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  checkedBackupId,
  checkedBackupPath,
  exists,
  OptionError,
  PARTIAL_SUFFIX,
  runFolderEntry,
  type StoredEntry,
} from '@pickup/core/plugin';
import type { Layout } from './layout.js';
import { syncPath } from './sync.js';

/**
 * Every run folder under `root` (see runFolderEntry): a `<runId>` folder is complete, as only a
 * finished push renames a folder to that name (if its manifest is gone, the core reports it damaged and
 * keeps it); `<runId>.partial` is a push that did not finish.
 */
export async function listRuns(root: string): Promise<StoredEntry[]> {
  await assertFolder(root);
  return (await readdir(root)).flatMap((name) => {
    const entry = runFolderEntry(name);
    return entry ? [entry] : [];
  });
}

/**
 * This host's run folders (see listRuns) in `layout`: none while a per-host folder is not there yet,
 * as long as `path` itself is (a missing `path` is a disk not mounted).
 */
export async function listOwnRuns({ root, folder }: Layout): Promise<StoredEntry[]> {
  if (folder !== root) {
    await assertFolder(root);
    if (!(await exists(folder))) return [];
  }
  return listRuns(folder);
}

/**
 * Removes one run folder. A complete backup first loses its name: `<runId>` is renamed to
 * `<runId>.partial` (a leftover of that name removed before), then deleted; a removal cut off at any
 * moment leaves an incomplete backup, which retention removes, never one that lists complete with
 * files missing. Files hard-linked from other backups keep their other links.
 */
export async function removeRun(root: string, id: string): Promise<void> {
  const entry = runFolderEntry(checkedBackupId(id))!;
  const doomed = join(root, entry.complete ? `${id}${PARTIAL_SUFFIX}` : id);
  if (entry.complete) {
    await rm(doomed, { recursive: true, force: true });
    await rename(join(root, id), doomed);
    // On disk before anything is deleted: after a power cut, the backup is either whole or incomplete.
    await syncPath(root);
  }
  await rm(doomed, { recursive: true });
}

/** Opens a file of a run; a missing file rejects with ENOENT. */
export async function openRunFile(root: string, id: string, path: string): Promise<Readable> {
  const stream = createReadStream(join(root, checkedBackupId(id), checkedBackupPath(path)));
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return stream;
}

export async function assertFolder(root: string): Promise<void> {
  const isFolder = await stat(root).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder)
    throw new OptionError('path', `target folder ${root} does not exist or is not a folder (is its disk mounted?)`);
}
