import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkedBackupId, checkedBackupPath, OptionError, runFolderEntry, type StoredEntry } from '@pickup/core';

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

/** Removes one run folder. Files hard-linked from other backups keep their other links. */
export async function removeRun(root: string, id: string): Promise<void> {
  await rm(join(root, checkedBackupId(id)), { recursive: true });
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

async function assertFolder(root: string): Promise<void> {
  const isFolder = await stat(root).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new OptionError('path', `target folder ${root} does not exist or is not a folder (is its disk mounted?)`);
}
