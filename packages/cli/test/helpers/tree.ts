import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

export { compareTrees, makeAwkwardTree, snapshotTree, writeRandomFile, type TreeEntry } from '@pickup/testkit';

const run = promisify(execFile);

/** Extracts with the system's GNU tar, as a user restoring by hand would. */
export async function extractWithTar(archive: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  await run('tar', ['-xzf', archive, '-C', into]);
}
