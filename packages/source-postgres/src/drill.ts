import {
  messageOf,
  type RestoreFile,
  type SourceDrill,
  type SourceDrillContext,
  type SourceScratchContext,
} from '@pickup/core/plugin';
import { dumpsAmong, dumpToRestore } from './backup-files.js';
import { connect, describeConnection, restoreConnection, type Connection } from './connection.js';
import { quoteIdentifier } from './database-properties.js';
import { GLOBALS_FILE } from './dump.js';
import { readFacts, type DatabaseFacts, type PostgresFacts, type TableCount } from './facts.js';
import type { PostgresOptions } from './options.js';
import { restoreIntoNewDatabase, RestoreStageError, type DumpToRestore, type RestoreTools } from './restore.js';
import { assertScratchName, dropScratch } from './scratch.js';
import { countRowsSql } from './snapshot-counts.js';
import { clientSetup, findBinDir, tool } from './tools.js';

/** What a drill found of one database: its tables and rows as recorded, or why they were not compared. */
type Drilled = { database: string } & ({ tables: number; rows: number } | { notCompared: string });

export const drill: SourceDrill<PostgresOptions> = {
  /** Each database dump restored into a scratch database of its own, its tables counted there, then dropped. */
  async restoreAndCheck(ctx) {
    const { options: opts, files } = ctx;
    const recorded = ctx.facts === undefined ? undefined : readFacts(ctx.facts);
    const dumps = dumpsAmong(files);
    const roles = files.some((file) => file.path === GLOBALS_FILE) ? ' (roles: checksums only)' : '';
    const lost = recorded?.databases.find((facts) => !dumps.some((dump) => dump.database === facts.database));
    if (lost) throw new Error(`database ${lost.database}: the backup recorded its tables, but holds no dump of it`);
    if (dumps.length === 0) return `no database to restore: the backup holds none${roles}`;
    if (opts.pgDumpArgs.some((arg) => arg.startsWith('--include-foreign-data')))
      throw new Error(
        "the dumps hold foreign tables' rows (pgDumpArgs --include-foreign-data), which a restore writes to the " +
          'foreign servers: a drill does not restore them',
      );
    const connection = await restoreConnection(opts, ctx.login, ctx.resolvePath, ctx.log);
    const binDir = findBinDir(opts.binDir && ctx.resolvePath(opts.binDir));
    const client = await clientSetup(connection);
    const tools: RestoreTools = {
      pgRestore: tool(binDir, 'pg_restore', !!opts.binDir),
      psql: tool(binDir, 'psql', !!opts.binDir),
      client,
      log: ctx.log,
      signal: ctx.signal,
    };
    try {
      const drilled: Drilled[] = [];
      for (const dump of dumps) {
        ctx.signal.throwIfAborted();
        drilled.push(await drillDatabase(ctx, tools, connection, dump, recorded));
      }
      return `${summary(drilled, recorded)}${roles}`;
    } finally {
      await client.cleanup();
    }
  },

  async removeScratch({ options: opts, name, login, resolvePath, log }: SourceScratchContext<PostgresOptions>) {
    assertScratchName(name);
    const connection = await restoreConnection(opts, login, resolvePath, log);
    if (await dropScratch(connection, opts.maintenanceDatabase, name))
      log.debug(`dropped the scratch database ${name} at ${describeConnection(connection)}`);
  },
};

/** Restores one dump into a new scratch database, compares its tables with the facts, and drops it whatever happened. */
async function drillDatabase(
  ctx: SourceDrillContext<PostgresOptions>,
  tools: RestoreTools,
  connection: Connection,
  dump: { database: string; files: RestoreFile[] },
  recorded: PostgresFacts | undefined,
): Promise<Drilled> {
  const { database } = dump;
  const toRestore = dumpToRestore(dump.files);
  const scratch = await ctx.scratchName();
  assertScratchName(scratch);
  try {
    try {
      await restoreIntoNewDatabase(tools, connection, ctx.options.maintenanceDatabase, toRestore, scratch);
    } catch (error) {
      ctx.signal.throwIfAborted();
      throw new Error(`database ${database}: ${restoreFailure(error, toRestore, scratch, connection)}`);
    }
    ctx.log.debug(`restored database ${database} into the scratch database ${scratch}`);
    const facts: DatabaseFacts | undefined = recorded?.databases.find((entry) => entry.database === database);
    if (!facts) return { database, notCompared: 'the backup recorded no table counts of it' };
    if ('notCounted' in facts) return { database, notCompared: facts.notCounted };
    await compareCounts(connection, scratch, database, facts.tables, ctx.signal);
    return { database, tables: facts.tables.length, rows: facts.tables.reduce((sum, table) => sum + table.rows, 0) };
  } finally {
    // The core drops it again if this fails, and warns if that fails too.
    await dropScratch(connection, ctx.options.maintenanceDatabase, scratch).catch((error: unknown) =>
      ctx.log.debug(messageOf(error)),
    );
  }
}

/** Every recorded table is in the scratch database with the recorded rows; throws one line naming the first that is not. */
async function compareCounts(
  connection: Connection,
  scratch: string,
  database: string,
  tables: readonly TableCount[],
  signal: AbortSignal,
): Promise<void> {
  const client = await connect(connection, scratch);
  client.on('error', () => {}); // a lost connection fails the query at hand
  const stop = () => void client.end().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  try {
    // Counted as pg_dump read them: all rows, or an error where row security would hide some.
    await client.query('SET statement_timeout = 0; SET row_security = off');
    const present = await client.query<{ schema: string; table: string }>(
      "SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'",
    );
    const restored = new Set(present.rows.map((row) => `${row.schema}\0${row.table}`));
    const differences: string[] = [];
    for (const { schema, table, rows } of tables) {
      signal.throwIfAborted();
      const name = `table ${tableName(schema, table)}`;
      if (!restored.has(`${schema}\0${table}`)) {
        differences.push(`${name} is missing from the restored copy (${count(rows)} rows recorded)`);
        continue;
      }
      const found = await client.query<{ rows: string }>(countRowsSql(schema, table)).then(
        (result) => Number(result.rows[0]!.rows),
        (error: unknown) => {
          signal.throwIfAborted();
          throw new Error(`database ${database}: ${name} cannot be counted in the restored copy: ${messageOf(error)}`);
        },
      );
      if (found !== rows) differences.push(`${name} has ${count(found)} rows restored, ${count(rows)} recorded`);
    }
    if (differences.length > 0) {
      const more = differences.length > 1 ? ` (and ${differences.length - 1} more table(s) differ)` : '';
      throw new Error(`database ${database}: ${differences[0]}${more}`);
    }
  } finally {
    signal.removeEventListener('abort', stop);
    await client.end().catch(() => {});
  }
}

/** What went wrong restoring a dump into the scratch database, in the words of the tool that said it. */
function restoreFailure(error: unknown, dump: DumpToRestore, scratch: string, connection: Connection): string {
  if (!(error instanceof RestoreStageError)) return messageOf(error);
  const said = toolSaid(error.message);
  switch (error.stage) {
    case 'read':
      return `pg_restore could not read the dump: ${said}`;
    case 'create':
      return `could not create the scratch database ${scratch} at ${describeConnection(connection)}: ${said}${rightsHint(said)}`;
    case 'contents':
      return `${dump.format === 'plain' ? 'psql' : 'pg_restore'} could not restore the dump: ${said}${rightsHint(said)}`;
    case 'finish':
      return `could not give the scratch database the settings and grants of database ${dump.database}: ${said}${rightsHint(said)}`;
  }
}

/** A tool's message without what the line says already (`pg_restore exited with code 1: pg_restore: error: `), kept short. */
function toolSaid(message: string): string {
  const said = message
    .replace(/^(pg_restore|psql) exited with code \d+: /, '')
    .replace(/pg_restore: (error: )?/g, '')
    .replace(/psql:\S+?:(\d+): /g, 'line $1: ')
    .replace(/(ERROR|FATAL|DETAIL|HINT): {2}/g, '$1: ');
  return said.length > 400 ? `${said.slice(0, 400)}...` : said;
}

/** What to do when the drill's user lacks a right. */
function rightsHint(message: string): string {
  if (!/permission denied|must be (owner|member|able to SET ROLE)|must have (CREATEDB|privileges)/i.test(message))
    return '';
  return (
    "; drill as a user that may create databases and own the dump's objects, a superuser or one with CREATEDB and " +
    "membership in the owning roles (drill: { as: USER, passwordFile: FILE } in the source's entry)"
  );
}

/** `2 databases restored, 14 tables, 120,456 rows as recorded`, and what was not compared, and why. */
function summary(drilled: readonly Drilled[], recorded: PostgresFacts | undefined): string {
  const restored = `${count(drilled.length)} database${drilled.length === 1 ? '' : 's'} restored`;
  if (!recorded)
    return `${restored}; the backup recorded no table counts to compare (made before Pickup recorded them)`;
  let tables = 0;
  let rows = 0;
  const notCompared: string[] = [];
  for (const entry of drilled) {
    if ('notCompared' in entry) {
      notCompared.push(`database ${entry.database} not compared: ${entry.notCompared}`);
    } else {
      tables += entry.tables;
      rows += entry.rows;
    }
  }
  const compared =
    notCompared.length < drilled.length ? `, ${count(tables)} tables, ${count(rows)} rows as recorded` : '';
  return [`${restored}${compared}`, ...notCompared].join('; ');
}

/** `public.orders`, `shop."Order Items"`: as SQL would name it. */
function tableName(schema: string, table: string): string {
  const name = (part: string) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : quoteIdentifier(part));
  return `${name(schema)}.${name(table)}`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
