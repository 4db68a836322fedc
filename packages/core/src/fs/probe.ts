import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The folder itself if it exists, else the nearest folder above it that does. */
export async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while (!(await exists(current)) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * Proves a folder is writable by this process by creating and removing a probe folder in it: a
 * permission check alone says yes to root on a read-only mount.
 */
export async function probeWritable(folder: string): Promise<void> {
  await rm(await mkdtemp(join(folder, '.pickup-probe-')), { recursive: true });
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
