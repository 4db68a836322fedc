import { ExitCode, PickupError, messageOf, runTool, type Logger } from '@pickup/core';
import { connect, describeConnection, type Connection } from './connection.js';
import { GLOBALS_FILE } from './dump.js';

export interface RestoreTools {
  pgRestore: string;
  psql: string;
  client: { args: string[]; env: Record<string, string | undefined> };
  log: Logger;
  signal: AbortSignal;
}

/**
 * Restores one database dump into `database` on the configured server: created if missing; one that
 * already holds tables or views is refused unless `force`, which drops what the dump recreates.
 */
export async function restoreDatabase(
  tools: RestoreTools,
  connection: Connection,
  maintenanceDatabase: string,
  dump: { path: string; format: 'custom' | 'plain' | 'directory' },
  database: string,
  force: boolean,
): Promise<void> {
  const where = describeConnection(connection);
  const admin = await connect(connection, maintenanceDatabase);
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount! > 0;
    if (!exists) {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
      tools.log.info(`created database ${database} at ${where}`);
    } else if (!force && (await holdsRelations(connection, database))) {
      throw new PickupError(
        `database ${database} at ${where} already holds tables; restore into a new database name, or add --force to replace what the dump holds`,
        ExitCode.usage,
      );
    }
  } finally {
    await admin.end();
  }
  const target = `--dbname=${database}`;
  const run = { env: tools.client.env, log: tools.log, signal: tools.signal };
  try {
    if (dump.format === 'plain') {
      await runTool(tools.psql, [...tools.client.args, target, '--quiet', '--set=ON_ERROR_STOP=1', `--file=${dump.path}`], run);
    } else {
      const clean = force ? ['--clean', '--if-exists'] : [];
      await runTool(tools.pgRestore, [...tools.client.args, target, '--exit-on-error', ...clean, dump.path], run);
    }
  } catch (error) {
    throw new PickupError(`restoring into database ${database} at ${where} failed: ${messageOf(error)}`, ExitCode.partial);
  }
}

/** Restores roles and tablespaces (`--only globals`). Existing roles make psql report errors: they are not fatal. */
export async function restoreGlobals(tools: RestoreTools, path: string, maintenanceDatabase: string): Promise<void> {
  await runTool(tools.psql, [...tools.client.args, `--dbname=${maintenanceDatabase}`, '--quiet', `--file=${path}`], {
    env: tools.client.env,
    log: tools.log,
    signal: tools.signal,
  });
  tools.log.info(`restored roles and tablespaces from ${GLOBALS_FILE}`);
}

async function holdsRelations(connection: Connection, database: string): Promise<boolean> {
  const client = await connect(connection, database);
  try {
    const result = await client.query(
      "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' LIMIT 1",
    );
    return result.rowCount! > 0;
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
