import { checkDatabasesExist, databasesToDump, defineSource, messageOf } from '@pickup/core/plugin';
import {
  asLogin,
  describeConnection,
  findProgram,
  inspectServer,
  programPath,
  resolveConnection,
} from './connection.js';
import { drill } from './drill.js';
import { dumpDatabase, nonTransactionalTables, type DumpContext } from './dump.js';
import { countingHindrance, databaseFacts, type DatabaseFacts } from './facts.js';
import { dumpName, filesToRestore, USERS_FILE } from './files.js';
import { withOptionFile } from './option-file.js';
import { options, SYSTEM_SCHEMAS, type MysqlOptions } from './options.js';
import { restoreDatabase, restoreUsers, type RestoreJob } from './restore.js';
import { dumpUsers } from './users.js';
import { init } from './init.js';

export { options, type MysqlOptions };

export default defineSource({
  name: '@pickup/source-mysql',
  init,
  options,
  describe: (opts) => {
    const users = opts.users ? `, with users${opts.userPasswords ? '' : ' (without passwords)'}` : '';
    return `MySQL/MariaDB databases ${opts.databases === 'all' ? 'all' : opts.databases.join(', ')}${users}`;
  },

  async check({ options: opts, resolvePath, log }) {
    const connection = await resolveConnection(opts, resolvePath, log);
    const server = await inspectServer(connection);
    findProgram(programPath(opts.dumpTool, resolvePath), dumpTools(server.flavour), 'dumpTool');
    checkDatabasesExist(opts, server.databases, describeConnection(connection));
  },

  async credentials({ options: opts }) {
    if (!opts.users || !opts.userPasswords) return undefined;
    return { file: USERS_FILE, holds: "the accounts' password hashes", leaveOut: 'userPasswords: false' };
  },

  async backup({ options: opts, dir, resolvePath, warn, log, signal }) {
    const connection = await resolveConnection(opts, resolvePath, log);
    const where = describeConnection(connection);
    const server = await inspectServer(connection);
    const dumpTool = findProgram(programPath(opts.dumpTool, resolvePath), dumpTools(server.flavour), 'dumpTool');
    // The server's own schemas: `mysql` when named, the others never.
    const schemas = { never: SYSTEM_SCHEMAS.filter((name) => name !== 'mysql'), onlyWhenNamed: ['mysql'] };
    const wanted = databasesToDump(opts, server.databases, { where, warn, ...schemas });
    // A part that failed is left out with a warning, unless the run was interrupted: then the backup stops.
    const leaveOut = (error: unknown, what = '') => {
      if (signal.aborted) throw error;
      warn(`${what}${messageOf(error)}`);
    };
    // For `pickup drill`: each database's tables and rows as its dump holds them, unless dumpArgs leave some out.
    const hindrance = countingHindrance(opts.dumpArgs);
    const facts = new Map<string, DatabaseFacts>();
    await withOptionFile(connection, async (optionFile) => {
      const countRows = hindrance === undefined;
      const context: DumpContext = { connection, dumpTool, optionFile, options: opts, dir, countRows, log, signal };
      if (opts.users) {
        await dumpUsers(connection, dir, opts.userPasswords).catch((error: unknown) =>
          leaveOut(error, `users and grants at ${where}: `),
        );
      }
      let dumped = 0;
      for (const database of wanted) {
        signal.throwIfAborted();
        const loose = await nonTransactionalTables(connection, database).catch(() => []);
        if (loose.length > 0) {
          log.warn(
            `database ${database}: ${loose.join(', ')} are not transactional (MyISAM...): their dump may not be consistent with the rest`,
          );
        }
        try {
          const counts = await dumpDatabase(context, database, where);
          facts.set(database, databaseFacts(hindrance, counts));
          dumped++;
        } catch (error) {
          leaveOut(error);
        }
      }
      if (wanted.length > 0 && dumped === 0) throw new Error(`no database could be dumped at ${where}`);
      log.debug(
        `dumped ${dumped} of ${wanted.length} database(s) from ${server.flavour} ${server.version} at ${where}`,
      );
    });
    return { facts: { databases: Object.fromEntries(facts) } };
  },

  compressed: (opts) => opts.compression !== 'none',

  filesToRestore,

  restoreLogin: true,

  drill,

  async restore({ options: opts, files, to, force, login, resolvePath, log, signal }) {
    const job: RestoreJob = {
      connection: asLogin(await resolveConnection(opts, resolvePath, log), login),
      client: findProgram(programPath(opts.client, resolvePath), ['mariadb', 'mysql'], 'client'),
      files,
      to,
      force,
      asAnother: login !== undefined,
      log,
      signal,
    };
    await (files.some((file) => file.path === USERS_FILE) ? restoreUsers(job) : restoreDatabase(job));
  },
});

/** mariadb-dump for MariaDB (mysqldump there is only a name for it), mysqldump for MySQL. */
function dumpTools(flavour: 'MariaDB' | 'MySQL'): string[] {
  return flavour === 'MariaDB' ? ['mariadb-dump', 'mysqldump'] : ['mysqldump', 'mariadb-dump'];
}

export { dumpName };
