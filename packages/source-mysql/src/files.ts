import { databaseToRestore, fromSafeFileName, safeFileName } from '@pickup/core/plugin';
import type { MysqlOptions } from './options.js';

/**
 * The backup's layout: `<db>.sql.gz` per database (`<db>.sql` with compression: 'none'), `properties/<db>.sql`
 * beside it, and `users.sql`.
 */
export const USERS_FILE = 'users.sql';
/** `users.sql`, restored with `--only users`. */
const USERS_PART = { name: 'users', what: 'users for the accounts' };
const DUMP = /^([^/]+)\.sql(\.gz)?$/;
/** An uncompressed dump of a database named `users`: its first letter escaped, so that it is not taken for USERS_FILE. */
const USERS_DATABASE_DUMP = '%75sers.sql';

export function dumpName(database: string, compression: MysqlOptions['compression'] = 'gzip'): string {
  const name = safeFileName(database);
  if (compression === 'gzip') return `${name}.sql.gz`;
  return `${name}.sql` === USERS_FILE ? USERS_DATABASE_DUMP : `${name}.sql`;
}

/** Whether a dump is gzip'd: backups made with either setting restore, whatever the option says now. */
export function isGzipped(dumpPath: string): boolean {
  return dumpPath.endsWith('.gz');
}

/** The database's definition: in a folder of its own, so that it is never taken for a dump. */
export function propertiesPath(database: string): string {
  return `properties/${safeFileName(database)}.sql`;
}

/** The database a dump's path stands for, or undefined for any other file. */
export function databaseOf(path: string): string | undefined {
  if (path === USERS_FILE) return undefined;
  const name = DUMP.exec(path)?.[1];
  return name === undefined ? undefined : fromSafeFileName(name);
}

/** The files a restore of `only` needs: the one database's dump and its definition, or `users.sql`. */
export function filesToRestore(only: readonly string[], paths: readonly string[]): string[] {
  const databases = new Map(
    paths.flatMap((path) => (databaseOf(path) === undefined ? [] : [[databaseOf(path)!, path] as const])),
  );
  const hasUsers = paths.includes(USERS_FILE);
  const name = databaseToRestore(only, [...databases.keys()], hasUsers ? USERS_PART : undefined);
  if (hasUsers && name === USERS_PART.name) return [USERS_FILE];
  const dump = databases.get(name)!;
  return paths.includes(propertiesPath(name)) ? [dump, propertiesPath(name)] : [dump];
}
