import { OptionError } from '../errors.js';

/**
 * Choosing databases, as the database sources do: which to dump (the `databases` and `exclude` options),
 * and which one a restore is for (`pickup restore --only NAME`).
 */

/** A database source's options that say what to dump: every database (`'all'`) or the named ones, less `exclude`. */
export interface DatabaseSelection {
  /** `'all'`: every database of the server; else these. */
  databases: 'all' | readonly string[];
  /** Never dumped. */
  exclude: readonly string[];
}

/** What `databasesToDump` needs besides the options: where the warnings go, what the server's own schemas are. */
export interface DatabasesToDumpOptions {
  /** The server, as messages name it: `postgres@db1:5432`. */
  where: string;
  /** Told about each named database the server does not have (the others are dumped). */
  warn(message: string): void;
  /** Never dumped, even when named (schemas the server makes up). */
  never?: readonly string[];
  /** Dumped only when named: left out of `'all'`. */
  onlyWhenNamed?: readonly string[];
}

/**
 * The databases to dump, of those the server has: all but `exclude` (and `never`, `onlyWhenNamed`), or the
 * named ones that exist; a named one that does not exist is a warning.
 */
export function databasesToDump(
  selection: DatabaseSelection,
  existing: readonly string[],
  options: DatabasesToDumpOptions,
): string[] {
  const { never = [], onlyWhenNamed = [] } = options;
  const excluded = (name: string) => selection.exclude.includes(name) || never.includes(name);
  if (selection.databases === 'all') return existing.filter((name) => !excluded(name) && !onlyWhenNamed.includes(name));
  for (const name of selection.databases.filter((database) => !existing.includes(database))) {
    options.warn(`database ${name} does not exist at ${options.where}; the others are dumped`);
  }
  return selection.databases.filter((name) => existing.includes(name) && !excluded(name));
}

/** For `check`: refuses named databases the server does not have (an OptionError on `databases`). */
export function checkDatabasesExist(selection: DatabaseSelection, existing: readonly string[], where: string): void {
  const missing = selection.databases === 'all' ? [] : selection.databases.filter((name) => !existing.includes(name));
  if (missing.length > 0) throw new OptionError('databases', `no database ${missing.join(', ')} at ${where}`);
}

/** A part of a database backup besides the databases, restored on its own with `--only <name>`. */
export interface OtherPart {
  /** The name `--only` takes: `globals`. */
  name: string;
  /** For the message that lists what the backup has: `globals for the roles`. */
  what: string;
}

/**
 * The one database a restore is for: the one `only` names, or the backup's only database. `other`, when the
 * backup holds it, is chosen by its name (before a database of that name). Throws a message that lists what
 * the backup has when none or several are named, or when the backup has no such database.
 */
export function databaseToRestore(only: readonly string[], databases: readonly string[], other?: OtherPart): string {
  const chosen = only.length > 0 ? only : databases.length === 1 ? databases : [];
  if (chosen.length !== 1) {
    const others = other ? `, and ${other.what}` : '';
    throw new Error(
      `choose one database to restore with --only NAME (this backup has: ${databases.join(', ')}${others})`,
    );
  }
  const name = chosen[0]!;
  if (name !== other?.name && !databases.includes(name)) {
    throw new Error(`--only ${name}: no such database in this backup (it has: ${databases.join(', ')})`);
  }
  return name;
}
