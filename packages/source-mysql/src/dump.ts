import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf, runTool, safeFileName, type Logger } from '@pickup/core';
import { connect, type Connection } from './connection.js';
import type { MysqlOptions } from './options.js';

export const USERS_FILE = 'users.sql';

/** Flags that make a dump consistent (InnoDB, without locking) and complete. */
const CONSISTENT = ['--single-transaction', '--quick', '--routines', '--events', '--triggers', '--hex-blob'];

export function dumpName(database: string): string {
  return `${safeFileName(database)}.sql.gz`;
}

export interface DumpContext {
  dumpTool: string;
  optionFile: string;
  options: MysqlOptions;
  dir: string;
  log: Logger;
  signal: AbortSignal;
}

/** Dumps one database through gzip; on failure its partial file is removed and the error names the database. */
export async function dumpDatabase(context: DumpContext, database: string, where: string): Promise<void> {
  const output = join(context.dir, dumpName(database));
  // --defaults-extra-file must come first; the database name after `--` can never be taken for a flag.
  const args = [`--defaults-extra-file=${context.optionFile}`, ...CONSISTENT, ...context.options.dumpArgs, '--', database];
  try {
    await runTool(context.dumpTool, args, {
      env: { MYSQL_PWD: undefined },
      stdoutFile: output,
      gzipLevel: context.options.gzipLevel,
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    await rm(output, { force: true });
    throw new Error(`database ${database} at ${where}: ${messageOf(error)}`);
  }
}

/** The tables `--single-transaction` cannot make consistent. */
export async function nonTransactionalTables(connection: Connection, database: string): Promise<string[]> {
  const client = await connect(connection);
  try {
    const [rows] = (await client.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND engine IN ('MyISAM', 'Aria', 'MEMORY', 'CSV', 'ARCHIVE')", [
      database,
    ])) as unknown as [{ name: string }[]];
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/** Every account with its grants, as SQL that recreates them. */
export async function dumpUsers(connection: Connection, dir: string): Promise<number> {
  const client = await connect(connection);
  try {
    const [accounts] = (await client.query("SELECT User AS user, Host AS host FROM mysql.user WHERE User <> ''")) as unknown as [{ user: string; host: string }[]];
    const lines = ['-- Accounts and grants, by pickup: SHOW CREATE USER and SHOW GRANTS of each.'];
    for (const { user, host } of accounts) {
      const account = `${client.escape(user)}@${client.escape(host)}`;
      const [created] = (await client.query(`SHOW CREATE USER ${account}`)) as unknown as [Record<string, string>[]];
      const [grants] = (await client.query(`SHOW GRANTS FOR ${account}`)) as unknown as [Record<string, string>[]];
      lines.push(`${Object.values(created[0]!)[0]!.replace(/^CREATE USER /, 'CREATE USER IF NOT EXISTS ')};`);
      for (const grant of grants) lines.push(`${Object.values(grant)[0]};`);
    }
    await writeFile(join(dir, USERS_FILE), `${lines.join('\n')}\n`, { mode: 0o600 });
    return accounts.length;
  } finally {
    await client.end();
  }
}
