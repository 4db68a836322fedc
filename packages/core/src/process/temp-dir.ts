import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from './alive.js';

/** `pickup-tmp-<pid>-<purpose>-XXXXXX`: the pid says whether the process that made it is still there. */
const PREFIX = 'pickup-tmp-';
const NAME = /^pickup-tmp-(\d+)-/;

/**
 * A new private folder (mode 0700) in the system's temp folder, for files a tool needs on disk for a
 * moment (a passfile, a list of files). Remove it when done; if the process is killed first, the next
 * run of Pickup removes it (`removeAbandonedTempDirs`).
 */
export function privateTempDir(purpose: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-${purpose.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
}

/** Removes this user's private temp folders whose process is gone (a kill -9 leaves them); returns their names. */
export async function removeAbandonedTempDirs(): Promise<string[]> {
  const root = tmpdir();
  const uid = process.getuid?.();
  const removed: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isProcessAlive(Number(pid))) continue;
    const owner = await stat(join(root, name)).then(
      (stats) => stats.uid,
      () => undefined,
    );
    if (owner === undefined || (uid !== undefined && owner !== uid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
