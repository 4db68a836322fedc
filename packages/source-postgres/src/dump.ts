import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf, runTool, safeFileName, type Logger } from '@pickup/core';
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

/** Dumps one database; on failure its partial output is removed and the error says which database. */
export async function dumpDatabase(context: DumpContext, database: string, where: string): Promise<void> {
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
    ...(options.jobs ? [`--jobs=${options.jobs}`] : []),
    ...options.pgDumpArgs,
    `--dbname=${database}`,
  ];
  try {
    await runTool(context.pgDump, args, { env: context.client.env, log: context.log, signal: context.signal, ...(toFolder ? {} : { stdoutFile: output }) });
  } catch (error) {
    await rm(output, { recursive: true, force: true });
    throw new Error(`database ${database} at ${where}: ${messageOf(error)}`);
  }
}

/** Dumps roles and tablespaces. */
export async function dumpGlobals(context: DumpContext, where: string): Promise<void> {
  const output = join(context.dir, GLOBALS_FILE);
  try {
    await runTool(context.pgDumpAll, [...context.client.args, '--globals-only', `--file=${output}`, `--database=${context.options.maintenanceDatabase}`], {
      env: context.client.env,
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    await rm(output, { force: true });
    throw new Error(`roles and tablespaces (pg_dumpall --globals-only) at ${where}: ${messageOf(error)}`);
  }
}
