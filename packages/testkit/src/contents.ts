import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '@pickup/core';

/**
 * The relative paths of every file and folder below `root`, sorted; `[]` when `root` does not exist.
 * What a target fixture's `contents()` returns for a place that is a folder (on this machine, or a
 * server's folder seen from it).
 */
export async function pathsUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      // Gone while it was looked at: a removal under way.
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      found.push(path);
      if (entry.isDirectory()) await walk(join(folder, entry.name), `${path}/`);
    }
  };
  await walk(root, '');
  return found.sort();
}
