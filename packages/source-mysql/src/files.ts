import { fromSafeFileName, safeFileName } from '@pickup/core/plugin';

/** The backup's layout: `<db>.sql.gz` per database, `properties/<db>.sql` beside it, and `users.sql`. */
export const USERS_FILE = 'users.sql';
const DUMP = /^([^/]+)\.sql\.gz$/;

export function dumpName(database: string): string {
  return `${safeFileName(database)}.sql.gz`;
}

/** The database's definition: in a folder of its own, so that it is never taken for a dump. */
export function propertiesPath(database: string): string {
  return `properties/${safeFileName(database)}.sql`;
}

/** The database a dump's path stands for, or undefined for any other file. */
export function databaseOf(path: string): string | undefined {
  const name = DUMP.exec(path)?.[1];
  return name === undefined ? undefined : fromSafeFileName(name);
}

/** The files a restore of `only` needs: the one database's dump and its definition, or `users.sql`. */
export function filesToRestore(only: readonly string[], paths: readonly string[]): string[] {
  const databases = new Map(paths.flatMap((path) => (databaseOf(path) === undefined ? [] : [[databaseOf(path)!, path] as const])));
  const names = [...databases.keys()];
  const chosen = only.length > 0 ? only : names.length === 1 ? names : [];
  if (chosen.length !== 1) {
    const users = paths.includes(USERS_FILE) ? ', and users for the accounts' : '';
    throw new Error(`choose one database to restore with --only NAME (this backup has: ${names.join(', ')}${users})`);
  }
  const name = chosen[0]!;
  if (name === 'users' && paths.includes(USERS_FILE)) return [USERS_FILE];
  const dump = databases.get(name);
  if (dump === undefined) throw new Error(`--only ${name}: no such database in this backup (it has: ${names.join(', ')})`);
  return paths.includes(propertiesPath(name)) ? [dump, propertiesPath(name)] : [dump];
}
