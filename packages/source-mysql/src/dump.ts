import { rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { messageOf, runTool, type Logger } from '@pickup/core/plugin';
import { withClient, type Connection } from './connection.js';
import { countingStream } from './dump-scan.js';
import { dumpName, propertiesPath } from './files.js';
import type { MysqlOptions } from './options.js';
import { saveDefinition } from './properties.js';

/** Flags that make a dump consistent (InnoDB, without locking) and complete. */
const CONSISTENT = ['--single-transaction', '--quick', '--routines', '--events', '--triggers', '--hex-blob'];

export interface DumpContext {
  connection: Connection;
  dumpTool: string;
  optionFile: string;
  options: MysqlOptions;
  dir: string;
  /** Count the tables and rows of the dump as it streams (for `pickup drill`). */
  countRows: boolean;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Saves one database's definition, then dumps it (through gzip, unless compression is 'none'); on failure both
 * files are removed and the error names the database. With `countRows`, returns the rows per table the dump
 * holds (none when its text could not be followed to its end).
 */
export async function dumpDatabase(
  context: DumpContext,
  database: string,
  where: string,
): Promise<Map<string, number> | undefined> {
  const { compression, gzipLevel } = context.options;
  const output = join(context.dir, dumpName(database, compression));
  // --defaults-extra-file must come first; the database name after `--` can never be taken for a flag.
  const args = [
    `--defaults-extra-file=${context.optionFile}`,
    ...CONSISTENT,
    ...context.options.dumpArgs,
    '--',
    database,
  ];
  // Counted in the dump itself: rows written meanwhile, outside its snapshot, are not in it.
  const counting = context.countRows ? countingStream() : undefined;
  try {
    await saveDefinition(context.connection, database, context.dir);
    await runTool(context.dumpTool, args, {
      env: { MYSQL_PWD: undefined },
      stdoutFile: output,
      stdoutTransforms: counting ? [counting.stream] : [],
      ...(compression === 'gzip' ? { gzipLevel } : {}),
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    await rm(output, { force: true });
    await rm(join(context.dir, propertiesPath(database)), { force: true });
    await rmdir(dirname(join(context.dir, propertiesPath(database)))).catch(() => {}); // only if empty
    throw new Error(`database ${database} at ${where}: ${messageOf(error)}`);
  }
  return counting?.counts();
}

/** The tables `--single-transaction` cannot make consistent. */
export function nonTransactionalTables(connection: Connection, database: string): Promise<string[]> {
  return withClient(connection, async (client) => {
    const [rows] = (await client.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND engine IN ('MyISAM', 'Aria', 'MEMORY', 'CSV', 'ARCHIVE')",
      [database],
    )) as unknown as [{ name: string }[]];
    return rows.map((row) => row.name);
  });
}
