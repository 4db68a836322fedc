import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import { isRunId, OptionError, type StoredEntry } from '@pickup/core';
import { PARTIAL_SUFFIX } from './store.js';

/**
 * Every run folder under `root`. A `<runId>` folder is complete: only a finished push renames a folder
 * to that name (if its manifest is gone, the core reports it damaged and keeps it). `<runId>.partial`
 * is a push that did not finish.
 */
export async function listRuns(root: string): Promise<StoredEntry[]> {
  await assertFolder(root);
  const entries: StoredEntry[] = [];
  for (const name of await readdir(root)) {
    if (isRunId(name)) entries.push({ id: name, runId: name, complete: true });
    else if (name.endsWith(PARTIAL_SUFFIX) && isRunId(name.slice(0, -PARTIAL_SUFFIX.length))) {
      entries.push({ id: name, runId: name.slice(0, -PARTIAL_SUFFIX.length), complete: false });
    }
  }
  return entries;
}

/** Removes one run folder. Files hard-linked from other backups keep their other links. */
export async function removeRun(root: string, id: string): Promise<void> {
  await rm(join(root, checkedId(id)), { recursive: true });
}

/** Opens a file of a run; a missing file rejects with ENOENT. */
export async function openRunFile(root: string, id: string, path: string): Promise<Readable> {
  if (isAbsolute(path) || path.split('/').some((part) => part === '..' || part === '')) {
    throw new Error(`not a path inside a backup: ${path}`);
  }
  const stream = createReadStream(join(root, checkedId(id), path));
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return stream;
}

/** An id is a folder name we made, never a path that could reach elsewhere. */
function checkedId(id: string): string {
  const runId = id.endsWith(PARTIAL_SUFFIX) ? id.slice(0, -PARTIAL_SUFFIX.length) : id;
  if (!isRunId(runId)) throw new Error(`not a backup id: ${id}`);
  return id;
}

async function assertFolder(root: string): Promise<void> {
  const isFolder = await stat(root).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isFolder) throw new OptionError('path', `target folder ${root} does not exist or is not a folder (is its disk mounted?)`);
}
