import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode, messageOf, OptionError } from '../errors.js';

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

/** Throws an `OptionError` on `option` (default `path`) unless `path` is a folder this process can list. */
export async function assertReadableFolder(path: string, option = 'path'): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
    if (isFolder) await readdir(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT')
      throw new OptionError(option, `folder ${path} does not exist; fix the path or create the folder`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new OptionError(
        option,
        `folder ${path} cannot be read: permission denied; run pickup as a user who can read it`,
      );
    }
    throw new OptionError(option, `folder ${path} cannot be read: ${messageOf(error)}`);
  }
  if (!isFolder) throw new OptionError(option, `${path} is not a folder`);
}
