import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OptionError, type HostBackups } from '@pickup/core/plugin';
import { isHostFolderName } from './layout.js';
import { listRuns, openRunFile } from './stored.js';

/**
 * Every host folder in a per-host `path`: each sub-folder (or symlink to one) whose name can be a host's
 * (see isHostFolderName), whether it holds backups or not. Only reads.
 */
export async function listHosts(root: string, ownHost: string): Promise<HostBackups[]> {
  // Not the config's mistake but the store's state (a disk not mounted): a plain error, which the report tells and goes on.
  if (!(await isFolder(root)))
    throw new Error(`target folder ${root} does not exist or is not a folder (is its disk mounted?)`);
  const hosts: HostBackups[] = [];
  for (const name of (await readdir(root)).sort()) {
    const folder = join(root, name);
    if (!isHostFolderName(name) || !(await isFolder(folder))) continue;
    hosts.push({
      host: name,
      own: name === ownHost,
      list: () => listRuns(folder),
      read: (id, path) => openRunFile(folder, id, path),
    });
  }
  return hosts;
}

/** What `hosts` says of a `path` that holds one host's backups. */
export function notPerHost(root: string): OptionError {
  return new OptionError(
    'perHost',
    `target folder ${root} holds one host's backups, not a folder per host; set perHost: true to list its hosts`,
  );
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
