import { fromSafeFileName, type RestoreFile } from '@pickup/core/plugin';
import { isPropertiesPath, PROPERTIES_DIR } from './database-properties.js';
import { GLOBALS_FILE } from './dump.js';
import type { DumpToRestore } from './restore.js';

/**
 * How a backup's files (paths in the source's folder of it) make up its dumps: `shop.dump`, `shop.sql`
 * with `properties/shop.dump` beside it, or the files of a `shop.dir/` folder.
 */

/** The file or folder of a database's dump that a path is, or is in: `shop.dir` for `shop.dir/toc.dat`. */
export function dumpOf(path: string): string | undefined {
  if (path === GLOBALS_FILE || isPropertiesPath(path)) return undefined;
  return path.split('/')[0]!;
}

/** The database a dump (or a plain dump's properties file) is of. */
export function databaseOf(path: string): string {
  const name = isPropertiesPath(path) ? path.slice(PROPERTIES_DIR.length + 1) : path.split('/')[0]!;
  return fromSafeFileName(name.replace(/\.(dump|sql|dir)$/, ''));
}

/** Every database dump among the files, each with its files (a plain dump's properties included), in order. */
export function dumpsAmong(files: readonly RestoreFile[]): { database: string; files: RestoreFile[] }[] {
  const dumps = new Map<string, RestoreFile[]>();
  for (const file of files) if (dumpOf(file.path)) dumps.set(databaseOf(file.path), []);
  for (const file of files) if (file.path !== GLOBALS_FILE) dumps.get(databaseOf(file.path))?.push(file);
  return [...dumps].map(([database, ofIt]) => ({ database, files: ofIt }));
}

/** The fetched dump of one database, and where its properties are. */
export function dumpToRestore(files: readonly RestoreFile[]): DumpToRestore {
  const first = files.find((file) => !isPropertiesPath(file.path))!;
  const format = first.path.endsWith('.sql') ? 'plain' : first.path.includes('.dir/') ? 'directory' : 'custom';
  const path =
    format === 'directory' ? first.localPath.slice(0, first.localPath.indexOf('.dir/') + 4) : first.localPath;
  const sidecar = files.find((file) => isPropertiesPath(file.path))?.localPath;
  return { path, format, database: databaseOf(first.path), properties: format === 'plain' ? sidecar : path };
}
