import { defineSource, ExitCode, fromSafeFileName, OptionError, PickupError, messageOf, runTool } from '@pickup/core';
import { connect, describeConnection, findProgram, inspectServer, optionFile, resolveConnection } from './connection.js';
import { dumpDatabase, dumpName, dumpUsers, nonTransactionalTables, USERS_FILE, type DumpContext } from './dump.js';
import { options, SYSTEM_SCHEMAS, type MysqlOptions } from './options.js';

export { options, type MysqlOptions };

export default defineSource({
  name: '@pickup/source-mysql',
  options,
  describe: (opts) => `MySQL/MariaDB databases ${opts.databases === 'all' ? 'all' : opts.databases.join(', ')}${opts.users ? ', with users' : ''}`,

  async check({ options: opts, resolvePath }) {
    const connection = await resolveConnection(opts, resolvePath);
    const server = await inspectServer(connection);
    findProgram(programPath(opts.dumpTool, resolvePath), dumpTools(server.flavour), 'dumpTool');
    const missing = opts.databases === 'all' ? [] : opts.databases.filter((name) => !server.databases.includes(name));
    if (missing.length > 0) throw new OptionError('databases', `no database ${missing.join(', ')} at ${describeConnection(connection)}`);
  },

  async backup({ options: opts, dir, resolvePath, warn, log, signal }) {
    const connection = await resolveConnection(opts, resolvePath);
    const where = describeConnection(connection);
    const server = await inspectServer(connection);
    const dumpTool = findProgram(programPath(opts.dumpTool, resolvePath), dumpTools(server.flavour), 'dumpTool');
    const wanted = chooseDatabases(opts, server.databases, where, warn);
    const file = await optionFile(connection);
    try {
      const context: DumpContext = { dumpTool, optionFile: file.path, options: opts, dir, log, signal };
      if (opts.users) await dumpUsers(connection, dir).catch((error: Error) => warn(`users and grants at ${where}: ${error.message}`));
      let dumped = 0;
      for (const database of wanted) {
        const loose = await nonTransactionalTables(connection, database).catch(() => []);
        if (loose.length > 0) {
          log.warn(`database ${database}: ${loose.join(', ')} are not transactional (MyISAM...): their dump may not be consistent with the rest`);
        }
        try {
          await dumpDatabase(context, database, where);
          dumped++;
        } catch (error) {
          warn(messageOf(error));
        }
      }
      if (wanted.length > 0 && dumped === 0) throw new Error(`no database could be dumped at ${where}`);
      log.debug(`dumped ${dumped} of ${wanted.length} database(s) from ${server.flavour} ${server.version} at ${where}`);
    } finally {
      await file.cleanup();
    }
  },

  filesToRestore(only, paths) {
    const databases = new Map(paths.filter((path) => path !== USERS_FILE).map((path) => [fromSafeFileName(path.replace(/\.sql\.gz$/, '')), path]));
    const names = [...databases.keys()];
    const chosen = only.length > 0 ? only : names.length === 1 ? names : [];
    if (chosen.length !== 1) {
      throw new Error(`choose one database to restore with --only NAME (this backup has: ${names.join(', ')}${paths.includes(USERS_FILE) ? ', and users for the accounts' : ''})`);
    }
    const name = chosen[0]!;
    if (name === 'users' && paths.includes(USERS_FILE)) return [USERS_FILE];
    if (!databases.has(name)) throw new Error(`--only ${name}: no such database in this backup (it has: ${names.join(', ')})`);
    return [databases.get(name)!];
  },

  async restore({ options: opts, files, to, force, resolvePath, log, signal }) {
    const connection = await resolveConnection(opts, resolvePath);
    const where = describeConnection(connection);
    const client = findProgram(programPath(opts.client, resolvePath), ['mariadb', 'mysql'], 'client');
    const file = await optionFile(connection);
    try {
      const dump = files[0]!;
      const isUsers = dump.path === USERS_FILE;
      if (!isUsers) await prepareDatabase(connection, to, force, where, log);
      const target = isUsers ? [] : ['--', to];
      await runTool(client, [`--defaults-extra-file=${file.path}`, ...target], {
        env: { MYSQL_PWD: undefined },
        stdinFile: dump.localPath,
        gunzipStdin: !isUsers,
        log,
        signal,
      }).catch((error: unknown) => {
        throw new PickupError(`restoring ${isUsers ? 'users' : `into database ${to}`} at ${where} failed: ${messageOf(error)}`, ExitCode.partial);
      });
      log.info(isUsers ? `restored accounts and grants at ${where}` : `restored into database ${to} at ${where}`);
    } finally {
      await file.cleanup();
    }
  },
});

/** A program option: a path (relative to the config file) when it has a `/`, else a name to find in $PATH. */
function programPath(option: string | undefined, resolvePath: (path: string) => string): string | undefined {
  return option?.includes('/') ? resolvePath(option) : option;
}

/** mariadb-dump for MariaDB (mysqldump there is only a name for it), mysqldump for MySQL. */
function dumpTools(flavour: 'MariaDB' | 'MySQL'): string[] {
  return flavour === 'MariaDB' ? ['mariadb-dump', 'mysqldump'] : ['mysqldump', 'mariadb-dump'];
}

function chooseDatabases(opts: MysqlOptions, existing: string[], where: string, warn: (message: string) => void): string[] {
  if (opts.databases === 'all') return existing.filter((name) => !SYSTEM_SCHEMAS.includes(name) && !opts.exclude.includes(name));
  for (const name of opts.databases.filter((database) => !existing.includes(database))) {
    warn(`database ${name} does not exist at ${where}; the others are dumped`);
  }
  return opts.databases.filter((name) => existing.includes(name) && !opts.exclude.includes(name) && !SYSTEM_SCHEMAS.slice(0, 3).includes(name));
}

/** Creates the database if missing; one that has tables is refused unless `force`. */
async function prepareDatabase(connection: Parameters<typeof connect>[0], database: string, force: boolean, where: string, log: { info(message: string): void }): Promise<void> {
  const client = await connect(connection);
  try {
    const [tables] = (await client.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ?', [database])) as unknown as [{ n: number }[]];
    const [exists] = (await client.query('SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?', [database])) as unknown as [{ n: number }[]];
    if (Number(exists[0]!.n) === 0) {
      await client.query(`CREATE DATABASE ${client.escapeId(database)}`);
      log.info(`created database ${database} at ${where}`);
    } else if (Number(tables[0]!.n) > 0 && !force) {
      throw new PickupError(`database ${database} at ${where} already holds tables; restore into a new database name, or add --force to write over it`, ExitCode.usage);
    }
  } finally {
    await client.end();
  }
}

export { dumpName };
