import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { messageOf, runTool, safeFileName, type Logger } from '@pickup/core/plugin';
import { propertiesPath } from './database-properties.js';
import { dbnameArg } from './tools.js';
import type { PostgresOptions } from './options.js';

export const GLOBALS_FILE = 'globals.sql';

/** The file (or folder, for `directory`) a database's dump goes to. */
export function dumpName(database: string, format: PostgresOptions['format']): string {
  const extension = { custom: '.dump', plain: '.sql', directory: '.dir' }[format];
  return `${safeFileName(database)}${extension}`;
}

export interface DumpContext {
  pgDump: string;
  pgDumpAll: string;
  client: { args: string[]; env: Record<string, string | undefined> };
  options: PostgresOptions;
  dir: string;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Dumps one database, in `snapshot` when given (one exported by a transaction that counts its rows);
 * on failure its partial output is removed and the error says which database.
 */
export async function dumpDatabase(
  context: DumpContext,
  database: string,
  where: string,
  snapshot?: string,
): Promise<void> {
  const { options } = context;
  const output = join(context.dir, dumpName(database, options.format));
  // A plain dump comes through stdout, so that the core hashes it on the way instead of reading it
  // again. The custom format is written by pg_dump itself: on a pipe it cannot go back to record where
  // each table's data starts, and pg_restore --jobs (and reordering with -L) need that.
  const toFolder = options.format !== 'plain';
  const args = [
    ...context.client.args,
    `--format=${options.format}`,
    ...(toFolder ? [`--file=${output}`] : []),
    ...(options.compression === 'none' && toFolder ? ['--compress=0'] : []),
    ...(options.jobs ? [`--jobs=${options.jobs}`] : []),
    ...(snapshot ? [`--snapshot=${snapshot}`] : []),
    ...options.pgDumpArgs,
    dbnameArg(database),
  ];
  try {
    await runTool(context.pgDump, args, {
      env: context.client.env,
      log: context.log,
      signal: context.signal,
      ...(toFolder ? {} : { stdoutFile: output }),
    });
  } catch (error) {
    await rm(output, { recursive: true, force: true });
    throw new Error(`database ${database} at ${where}: ${messageOf(error)}`);
  }
}

/**
 * A plain dump has no record of the database itself (encoding, locale, owner, settings, grants, comment):
 * they go beside it, in a custom-format archive of nothing but them (every schema left out).
 */
export async function dumpDatabaseProperties(context: DumpContext, database: string, where: string): Promise<void> {
  const output = join(context.dir, propertiesPath(database));
  await mkdir(dirname(output), { recursive: true, mode: 0o700 });
  const args = [
    ...context.client.args,
    '--format=custom',
    '--schema-only',
    '--exclude-schema=*',
    `--file=${output}`,
    dbnameArg(database),
  ];
  try {
    await runTool(context.pgDump, args, { env: context.client.env, log: context.log, signal: context.signal });
  } catch (error) {
    await rm(output, { force: true });
    throw new Error(
      `database ${database} at ${where}: its properties (encoding, locale, owner, settings, grants) could not be saved, ` +
        `a restore creates it with the server's defaults: ${messageOf(error)}`,
    );
  }
}

/** Dumps roles and tablespaces; the roles' password hashes only with `rolePasswords`. */
export async function dumpGlobals(context: DumpContext, where: string, rolePasswords: boolean): Promise<void> {
  const output = join(context.dir, GLOBALS_FILE);
  const args = [...context.client.args, '--globals-only', ...(rolePasswords ? [] : ['--no-role-passwords'])];
  try {
    await runTool(
      context.pgDumpAll,
      [...args, `--file=${output}`, `--database=${context.options.maintenanceDatabase}`],
      {
        env: context.client.env,
        log: context.log,
        signal: context.signal,
      },
    );
  } catch (error) {
    await rm(output, { force: true });
    throw new Error(`roles and tablespaces (pg_dumpall --globals-only) at ${where}: ${messageOf(error)}`);
  }
}
