import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, PickupError, messageOf, privateTempDir, runTool, type Logger } from '@pickup/core/plugin';
import { connect, describeConnection, type Connection } from './connection.js';
import { quoteIdentifier, type PropertiesScript } from './database-properties.js';
import { GLOBALS_FILE } from './dump.js';
import { readPropertiesScript } from './read-properties.js';
import { dbnameArg } from './tools.js';

export interface RestoreTools {
  pgRestore: string;
  psql: string;
  client: { args: string[]; env: Record<string, string | undefined> };
  log: Logger;
  signal: AbortSignal;
}

export interface DumpToRestore {
  path: string;
  format: 'custom' | 'plain' | 'directory';
  /** The database's name when it was dumped. */
  database: string;
  /** The archive holding the database's properties: the dump itself, or a plain dump's sidecar (none in older backups). */
  properties: string | undefined;
}

/**
 * Restores one database dump into `database` on the server: created if missing, with the dumped
 * database's properties, and removed again if the restore fails; one that already holds tables or
 * views is refused unless `force`, which drops what the dump recreates.
 */
export async function restoreDatabase(
  tools: RestoreTools,
  connection: Connection,
  maintenanceDatabase: string,
  dump: DumpToRestore,
  database: string,
  force: boolean,
): Promise<void> {
  const where = describeConnection(connection);
  const exists = await databaseExists(connection, maintenanceDatabase, database);
  if (exists && !force && (await holdsRelations(connection, database))) {
    throw new PickupError(
      `database ${database} at ${where} already holds tables; restore into a new database name, or add --force to replace what the dump holds`,
      ExitCode.usage,
    );
  }
  const workDir = await privateTempDir('pgrestore');
  try {
    await fillDatabase(tools, connection, maintenanceDatabase, dump, database, { exists, force, workDir });
  } catch (error) {
    const outcome = exists
      ? changedByFailure(dump.format, database, force)
      : await removeCreated(connection, maintenanceDatabase, database);
    const stage = error instanceof RestoreStageError ? error.stage : 'create';
    const step = {
      read: `creating database ${database} at ${where}`,
      create: `creating database ${database} at ${where}`,
      contents: `restoring into database ${database} at ${where}`,
      finish: `setting the settings, grants and comment of database ${database} at ${where}`,
    }[stage];
    const message = messageOf(error);
    throw new PickupError(`${step} failed: ${message}${rightsHint(message)}; ${outcome}`, ExitCode.partial);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Restores a dump into `database`, which it creates (a drill's scratch database): as a restore into a new
 * database does, but a failure is a `RestoreStageError` and the database is left for the caller to drop.
 */
export async function restoreIntoNewDatabase(
  tools: RestoreTools,
  connection: Connection,
  maintenanceDatabase: string,
  dump: DumpToRestore,
  database: string,
): Promise<void> {
  if (await databaseExists(connection, maintenanceDatabase, database))
    throw new Error(`database ${database} exists already at ${describeConnection(connection)}; it is left as it is`);
  const workDir = await privateTempDir('pgrestore');
  try {
    await fillDatabase(tools, connection, maintenanceDatabase, dump, database, {
      exists: false,
      force: false,
      workDir,
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** How far a restore got: reading the dump's properties, creating the database, its contents, the rest of its properties. */
export type RestoreStage = 'read' | 'create' | 'contents' | 'finish';

/** A restore that failed at `stage`; the message is the tool's (or the server's), psql's script paths left out. */
export class RestoreStageError extends Error {
  constructor(
    readonly stage: RestoreStage,
    cause: unknown,
  ) {
    // psql names the temporary script's path and line: noise to the user.
    super(
      messageOf(cause)
        .replace(/psql:\S+\/(create|finish)\.sql:\d+: /g, '')
        .replace(/;+$/, ''),
    );
  }
}

/** Creates `database` unless it `exists` (with the dump's properties when it has them), then restores the dump into it. */
async function fillDatabase(
  tools: RestoreTools,
  connection: Connection,
  maintenanceDatabase: string,
  dump: DumpToRestore,
  database: string,
  how: { exists: boolean; force: boolean; workDir: string },
): Promise<void> {
  const where = describeConnection(connection);
  const run = { env: tools.client.env, log: tools.log, signal: tools.signal };
  const psqlScript = async (name: string, script: string) => {
    const file = join(how.workDir, name);
    await writeFile(file, script, { encoding: 'latin1', mode: 0o600 });
    const args = [dbnameArg(maintenanceDatabase), '--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--file=${file}`];
    await runTool(tools.psql, [...tools.client.args, ...args], run);
  };
  const stage = async (name: RestoreStage, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      throw new RestoreStageError(name, error);
    }
  };
  let properties: PropertiesScript | undefined;
  if (!how.exists) {
    if (dump.properties) {
      const archive = dump.properties;
      await stage('read', async () => {
        properties = await readPropertiesScript(tools, archive, { from: dump.database, to: database }, how.workDir);
      });
    }
    await stage('create', async () => {
      if (properties) {
        await psqlScript('create.sql', properties.create);
        tools.log.info(
          `created database ${database} at ${where} with the encoding, locale and owner of database ${dump.database}`,
        );
      } else {
        await createPlainDatabase(connection, maintenanceDatabase, database);
        tools.log.info(
          `created database ${database} at ${where} with the server's defaults: the backup holds no encoding, locale, owner, settings or grants of ` +
            `database ${dump.database} (made before Pickup kept them${dump.format === 'plain' ? '' : ', or with pg_dump --schema or --table'})`,
        );
      }
    });
  }
  await stage('contents', () => restoreContents(tools, dump, database, how.force));
  const finish = properties?.finish;
  if (finish) await stage('finish', () => psqlScript('finish.sql', finish));
}

/** The dump's objects and data, into an existing database. */
async function restoreContents(
  tools: RestoreTools,
  dump: DumpToRestore,
  database: string,
  force: boolean,
): Promise<void> {
  const target = dbnameArg(database);
  const run = { env: tools.client.env, log: tools.log, signal: tools.signal };
  if (dump.format === 'plain') {
    await runTool(
      tools.psql,
      [...tools.client.args, target, '--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', `--file=${dump.path}`],
      run,
    );
  } else {
    const clean = force ? ['--clean', '--if-exists'] : [];
    await runTool(tools.pgRestore, [...tools.client.args, target, '--exit-on-error', ...clean, dump.path], run);
  }
}

/** What a failed restore did to a database that existed before it. */
function changedByFailure(format: DumpToRestore['format'], database: string, force: boolean): string {
  if (!force)
    return `database ${database} existed before and is left as the error found it, holding what was restored until then`;
  if (format === 'plain') {
    return `database ${database} existed before: the dump's statements before the error were run in it, so it may hold part of the dump now`;
  }
  return (
    `database ${database} existed before: with --force the dump's objects are dropped from it and created again, so it may have lost ` +
    'tables or data that were not restored before the error; restore again with --force once the cause is fixed'
  );
}

/** Drops a database this restore created, so that a failure leaves nothing half-done; says how that went. */
async function removeCreated(connection: Connection, maintenanceDatabase: string, database: string): Promise<string> {
  try {
    const admin = await connect(connection, maintenanceDatabase);
    try {
      if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 0)
        return `database ${database} was not created`;
      const major =
        Number((await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v) /
        10_000;
      await admin.query(`DROP DATABASE ${quoteIdentifier(database)}${major >= 13 ? ' WITH (FORCE)' : ''}`);
      return `the new database ${database} was removed again`;
    } finally {
      await admin.end();
    }
  } catch (error) {
    return `the new database ${database} could not be removed (${messageOf(error)}): drop it by hand`;
  }
}

/** What to do when the restoring user lacks a right. */
function rightsHint(message: string): string {
  if (!/permission denied|must be (owner|member|able to SET ROLE)|must have (CREATEDB|privileges)/i.test(message))
    return '';
  return (
    '; restore as a user that may create the database and own its objects, ' +
    'a superuser or one with CREATEDB and membership in the owning roles (pickup restore ... --as USER --password-file FILE)'
  );
}

async function databaseExists(connection: Connection, maintenanceDatabase: string, database: string): Promise<boolean> {
  const admin = await connect(connection, maintenanceDatabase);
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount! > 0;
  } finally {
    await admin.end();
  }
}

async function createPlainDatabase(
  connection: Connection,
  maintenanceDatabase: string,
  database: string,
): Promise<void> {
  const admin = await connect(connection, maintenanceDatabase);
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}

/** Restores roles and tablespaces (`--only globals`). Existing roles make psql report errors: they are not fatal. */
export async function restoreGlobals(tools: RestoreTools, path: string, maintenanceDatabase: string): Promise<void> {
  await runTool(tools.psql, [...tools.client.args, dbnameArg(maintenanceDatabase), '--quiet', `--file=${path}`], {
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
