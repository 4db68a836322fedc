import { isRunId } from '../model/run-id.js';
import type { StoredEntry } from './types.js';

/**
 * The naming every target that keeps one folder (or prefix) per backup can share: `<runId>` for a
 * backup, given only by the final rename of a push; `<runId>.partial` while it is being written.
 */
export const PARTIAL_SUFFIX = '.partial';

/** What a folder name at a target stands for, or undefined for anything else found there. */
export function runFolderEntry(name: string): StoredEntry | undefined {
  if (isRunId(name)) return { id: name, runId: name, complete: true };
  const runId = name.slice(0, -PARTIAL_SUFFIX.length);
  return name.endsWith(PARTIAL_SUFFIX) && isRunId(runId) ? { id: name, runId, complete: false } : undefined;
}

/** An id as `remove` and `read` get it, checked to be a folder name we made, never a path elsewhere. */
export function checkedBackupId(id: string): string {
  if (!runFolderEntry(id)) throw new Error(`not a backup id: ${id}`);
  return id;
}

/** A file's path inside a backup, checked to stay inside it. */
export function checkedBackupPath(path: string): string {
  if (path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '' || part === '.')) {
    throw new Error(`not a path inside a backup: ${path}`);
  }
  return path;
}
