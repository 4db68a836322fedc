import {
  checkDatabasesExist,
  databasesToDump,
  databaseToRestore,
  defineSource,
  messageOf,
  OptionError,
} from '@pickup/core/plugin';
import { databaseOf, dumpOf, dumpToRestore } from './backup-files.js';
import {
  describeConnection,
  inspectServer,
  resolveConnection,
  restoreConnection,
  type Connection,
} from './connection.js';
import { propertiesPath } from './database-properties.js';
import { drill } from './drill.js';
import { dumpDatabase, dumpDatabaseProperties, dumpGlobals, dumpName, GLOBALS_FILE, type DumpContext } from './dump.js';
import { notCountedFor, type DatabaseFacts } from './facts.js';
import { options, type PostgresOptions } from './options.js';
import { restoreDatabase, restoreGlobals } from './restore.js';
import { credentialsHeld, dumpsRolePasswords } from './role-passwords.js';
import { dumpWithCounts } from './snapshot-counts.js';
import { clientSetup, findBinDir, tool, toolMajor } from './tools.js';
import { init } from './init.js';

export { options, type PostgresOptions };

/** `globals.sql`, restored with `--only globals`. */
const GLOBALS_PART = { name: 'globals', what: 'globals for the roles' };

export default defineSource({
  name: '@pickup/source-postgres',
  init,
  options,
  describe: (opts) =>
    `PostgreSQL databases ${opts.databases === 'all' ? 'all' : opts.databases.join(', ')}${opts.globals ? ', with roles' : ''}`,
  restoreLogin: true,

  async check({ options: opts, resolvePath, log }) {
    const connection = await resolveConnection(opts, resolvePath, log);
    const server = await inspectServer(connection, opts.maintenanceDatabase);
    await checkPgDump(opts, server.major, resolvePath);
    checkDatabasesExist(opts, server.databases, describeConnection(connection));
    if (opts.globals && opts.rolePasswords && !server.readsPasswordHashes) {
      throw new OptionError(
        'rolePasswords',
        `${describeConnection(connection)} may not read the roles' password hashes (pg_authid); ` +
          'back up as a superuser or a role with pg_read_all_data, or leave rolePasswords out',
      );
    }
  },

  credentials: credentialsHeld,

  compressed: (opts) => opts.format !== 'plain' && opts.compression !== 'none',

  async backup({ options: opts, dir, resolvePath, warn, log, signal }) {
    const connection = await resolveConnection(opts, resolvePath, log);
    const where = describeConnection(connection);
    const server = await inspectServer(connection, opts.maintenanceDatabase);
    const { pgDump, pgDumpAll } = await checkPgDump(opts, server.major, resolvePath);
    const wanted = databasesToDump(opts, server.databases, { where, warn });
    const client = await clientSetup(connection);
    // A part that failed is left out with a warning, unless the run was interrupted: then the backup stops.
    const leaveOut = (error: unknown) => {
      if (signal.aborted) throw error;
      warn(messageOf(error));
    };
    try {
      const context: DumpContext = { pgDump, pgDumpAll, client, options: opts, dir, log, signal };
      if (opts.globals) await dumpGlobals(context, where, dumpsRolePasswords(opts, server.superuser)).catch(leaveOut);
      const databases: DatabaseFacts[] = [];
      for (const database of wanted) {
        try {
          databases.push(await dumpAndCount(context, connection, database, where));
          log.debug(`dumped database ${database}`);
        } catch (error) {
          leaveOut(error);
          continue;
        }
        if (opts.format === 'plain') await dumpDatabaseProperties(context, database, where).catch(leaveOut);
      }
      if (wanted.length > 0 && databases.length === 0) throw new Error(`no database could be dumped at ${where}`);
      log.debug(
        `dumped ${databases.length} of ${wanted.length} database(s) from PostgreSQL ${server.version} at ${where}`,
      );
      return { facts: { databases } };
    } finally {
      await client.cleanup();
    }
  },

  filesToRestore(only, paths) {
    // A directory dump is many files: the database's dump is the folder that holds them.
    const dumps = paths.map(dumpOf).filter((dump) => dump !== undefined);
    const databases = new Map(dumps.map((dump) => [databaseOf(dump), dump]));
    const hasGlobals = paths.includes(GLOBALS_FILE);
    const name = databaseToRestore(only, [...databases.keys()], hasGlobals ? GLOBALS_PART : undefined);
    if (hasGlobals && name === GLOBALS_PART.name) return [GLOBALS_FILE];
    const dump = databases.get(name)!;
    return paths.filter((path) => path === dump || path.startsWith(`${dump}/`) || path === propertiesPath(name));
  },

  drill,

  async restore({ options: opts, files, to, force, only, login, resolvePath, log, signal }) {
    // As another user (--as), the configured user's password is neither read nor used.
    const connection = await restoreConnection(opts, login, resolvePath, log);
    const binDir = findBinDir(opts.binDir && resolvePath(opts.binDir));
    const client = await clientSetup(connection);
    const tools = {
      pgRestore: tool(binDir, 'pg_restore', !!opts.binDir),
      psql: tool(binDir, 'psql', !!opts.binDir),
      client,
      log,
      signal,
    };
    try {
      if (only[0] === 'globals' && files.length === 1 && files[0]!.path === GLOBALS_FILE) {
        await restoreGlobals(tools, files[0]!.localPath, opts.maintenanceDatabase);
        return;
      }
      await restoreDatabase(tools, connection, opts.maintenanceDatabase, dumpToRestore(files), to, force);
      log.info(`restored into database ${to} at ${describeConnection(connection)}`);
    } finally {
      await client.cleanup();
    }
  },
});

/** Dumps one database, counting its tables' rows in the dump's snapshot unless `pgDumpArgs` leave some out. */
async function dumpAndCount(
  context: DumpContext,
  connection: Connection,
  database: string,
  where: string,
): Promise<DatabaseFacts> {
  const notCounted = notCountedFor(context.options.pgDumpArgs);
  if (notCounted) {
    await dumpDatabase(context, database, where);
    return { database, notCounted };
  }
  const how = { pgDumpArgs: context.options.pgDumpArgs, log: context.log, signal: context.signal };
  return dumpWithCounts(connection, database, how, (snapshot) => dumpDatabase(context, database, where, snapshot));
}

/** pg_dump and pg_dumpall, as new as the server: an older pg_dump cannot dump a newer server. */
async function checkPgDump(
  opts: PostgresOptions,
  serverMajor: number,
  resolvePath: (path: string) => string,
): Promise<{ pgDump: string; pgDumpAll: string }> {
  const binDir = findBinDir(opts.binDir && resolvePath(opts.binDir));
  const pgDump = tool(binDir, 'pg_dump', !!opts.binDir);
  const major = await toolMajor(pgDump);
  if (major < serverMajor) {
    throw new OptionError(
      'binDir',
      `${pgDump} is version ${major}, older than the server (${serverMajor}); install postgresql-client-${serverMajor} or set binDir to its bin folder`,
    );
  }
  return { pgDump, pgDumpAll: tool(binDir, 'pg_dumpall', !!opts.binDir) };
}

export { dumpName };
