import { readFile } from 'node:fs/promises';
import {
  ExitCode,
  PickupError,
  messageOf,
  runTool,
  type Logger,
  type RestoreFile,
  type RunToolOptions,
} from '@pickup/core/plugin';
import { describeConnection, withClient, type Connection } from './connection.js';
import { databaseOf, isGzipped, propertiesPath } from './files.js';
import { withOptionFile } from './option-file.js';
import { createStatement } from './properties.js';
import { retargetCollationSwitches } from './retarget.js';
import { quoteName } from './sql-text.js';
import { lockedAccounts, UNLOCK_HINT } from './users.js';

export interface RestoreJob {
  connection: Connection;
  /** The client program (mariadb, mysql). */
  client: string;
  files: readonly RestoreFile[];
  to: string;
  force: boolean;
  /** Restoring as a user given with --as: no hint to use it. */
  asAnother: boolean;
  log: Logger;
  signal: AbortSignal;
}

const AS_HINT =
  'restore as an account that may create it and its objects: --as USER --password-file FILE (see the Pickup docs: docs/sources/mysql.md, Restore)';

/**
 * Restores one database's dump into `to`: created with the backup's definition if missing (and dropped
 * again if the restore then fails), refused if it holds tables unless `force`.
 */
export async function restoreDatabase(job: RestoreJob): Promise<void> {
  const where = describeConnection(job.connection);
  const dump = job.files.find((file) => databaseOf(file.path) !== undefined)!;
  const original = databaseOf(dump.path)!;
  const saved = job.files.find((file) => file.path === propertiesPath(original));
  const definition = saved && (await readFile(saved.localPath, 'utf8'));
  const created = await prepareDatabase(job, createStatement(job.to, definition), where);
  if (created && !definition) {
    job.log.info(
      `the backup does not hold the definition of database ${original} (it was made by an older version): ` +
        `database ${job.to} was created with the server's default character set and collation`,
    );
  }
  try {
    const sql = {
      stdinFile: dump.localPath,
      gunzipStdin: isGzipped(dump.path),
      stdinTransforms: [retargetCollationSwitches(original, job.to)],
    };
    await runSql(job, sql, job.to);
  } catch (error) {
    const aftermath = created
      ? await dropAgain(job, where)
      : `database ${job.to} existed before this restore and was not dropped: the tables, views, routines, triggers and events of the backup ` +
        'up to the failure replaced those of the same name in it; the rest of it is as it was';
    const failure = `restoring into database ${job.to} at ${where} failed: ${messageOf(error)}${hint(error, job)}`;
    throw new PickupError(`${failure}; ${aftermath}`, ExitCode.partial);
  }
  job.log.info(`restored into database ${job.to} at ${where}`);
}

/** Runs users.sql: every account (created if missing) and grant. */
export async function restoreUsers(job: RestoreJob): Promise<void> {
  const where = describeConnection(job.connection);
  const users = job.files[0]!;
  try {
    await runSql(job, { stdinFile: users.localPath });
  } catch (error) {
    const aftermath = 'the accounts and grants before the failing statement were created or granted, the rest were not';
    throw new PickupError(
      `restoring users at ${where} failed: ${messageOf(error)}${hint(error, job)}; ${aftermath}`,
      ExitCode.partial,
    );
  }
  job.log.info(`restored accounts and grants at ${where}`);
  const locked = lockedAccounts(await readFile(users.localPath, 'utf8'));
  if (locked.length > 0) {
    const accounts = locked.length === 1 ? '1 account was' : `${locked.length} accounts were`;
    job.log.warn(
      `${accounts} restored locked and without a password (the backup was made with userPasswords: false): ${locked.join(', ')}; ` +
        `give each a password and unlock it: ${UNLOCK_HINT}`,
    );
  }
}

/** Runs the client on the SQL of a file (in `database`), logged in with a temporary option file. */
export function runSql(
  job: RestoreJob,
  sql: Pick<RunToolOptions, 'stdinFile' | 'gunzipStdin' | 'stdinTransforms'>,
  database?: string,
): Promise<void> {
  const args = database === undefined ? [] : ['--', database];
  return withOptionFile(job.connection, async (optionFile) => {
    // The password is in the option file only.
    const run = { ...sql, env: { MYSQL_PWD: undefined }, failureOf: clientFailure, log: job.log, signal: job.signal };
    await runTool(job.client, [`--defaults-extra-file=${optionFile}`, ...args], run);
  });
}

/** The client echoes the failing statement between lines of dashes before its ERROR line: the ERROR says it. */
export function clientFailure(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !/^-+$/.test(line.trim()));
  const errors = lines.filter((line) => /^ERROR \d+/.test(line));
  return (errors.length > 0 ? errors : lines).slice(-3).join(' / ');
}

/** Creates the database if missing (returns true); one that holds tables is refused unless `force`. */
async function prepareDatabase(job: RestoreJob, create: string, where: string): Promise<boolean> {
  return withClient(job.connection, async (client) => {
    const count = async (sql: string) =>
      Number(((await client.query(sql, [job.to])) as unknown as [{ n: number }[]])[0][0]!.n);
    if ((await count('SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?')) === 0) {
      await client.query(create).catch((error: unknown) => {
        throw new PickupError(
          `cannot create database ${job.to} at ${where}: ${messageOf(error)}${hint(error, job)}`,
          ExitCode.partial,
        );
      });
      job.log.info(`created database ${job.to} at ${where}`);
      return true;
    }
    if (!job.force && (await count('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?')) > 0) {
      const what = `database ${job.to} at ${where} already holds tables`;
      throw new PickupError(
        `${what}; restore into a new database name, or add --force to write over it`,
        ExitCode.usage,
      );
    }
    return false;
  });
}

/** Drops the database this restore created; says so, or what to do if it cannot. */
async function dropAgain(job: RestoreJob, where: string): Promise<string> {
  try {
    await withClient(job.connection, (client) => client.query(`DROP DATABASE ${quoteName(job.to)}`));
    return `database ${job.to}, created for this restore, was dropped again`;
  } catch (error) {
    return `database ${job.to}, created for this restore, could not be dropped (${messageOf(error)}): drop it at ${where} before trying again`;
  }
}

/** For a refusal to the source's own user: how to restore as another. */
function hint(error: unknown, job: RestoreJob): string {
  return !job.asAnother && /access denied|command denied/i.test(messageOf(error)) ? `; ${AS_HINT}` : '';
}
