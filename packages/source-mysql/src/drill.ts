import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  messageOf,
  ToolError,
  type RestoreFile,
  type SourceDrill,
  type SourceDrillContext,
  type SourceScratchContext,
} from '@pickup/core/plugin';
import {
  asLogin,
  describeConnection,
  findProgram,
  programPath,
  resolveConnection,
  withClient,
  type Connection,
} from './connection.js';
import { readFacts, type DatabaseFacts, type MysqlFacts } from './facts.js';
import { databaseOf, isGzipped, propertiesPath, USERS_FILE } from './files.js';
import type { MysqlOptions } from './options.js';
import { createStatement } from './properties.js';
import { clientFailure, runSql, type RestoreJob } from './restore.js';
import { retargetCollationSwitches } from './retarget.js';
import { assertScratchName, disableEvents, scratchGuard } from './scratch-safety.js';
import { quoteName } from './sql-text.js';

const RIGHTS_HINT =
  'the drill needs an account that may create and drop databases named pickup_drill_...: ' +
  'set drill.as and drill.passwordFile (see the Pickup docs: docs/sources/mysql.md, Drills)';

interface DrillJob {
  connection: Connection;
  where: string;
  /** The client program (mariadb, mysql). */
  client: string;
  files: readonly RestoreFile[];
  ctx: SourceDrillContext<MysqlOptions>;
}

/** What the drill found for one database: its tables and rows as recorded, or why they were not compared. */
type Outcome = { database: string; tables: number; rows: number } | { database: string; notCounted: string };

export const drill: SourceDrill<MysqlOptions> = {
  /** Restores each database's dump into a new scratch database, compares its tables' rows with the backup's, drops it. */
  async restoreAndCheck(ctx) {
    const facts = ctx.facts === undefined ? undefined : readFacts(ctx.facts);
    const connection = asLogin(await resolveConnection(ctx.options, ctx.resolvePath, ctx.log), ctx.login);
    const client = findProgram(programPath(ctx.options.client, ctx.resolvePath), ['mariadb', 'mysql'], 'client');
    const job: DrillJob = { connection, where: describeConnection(connection), client, files: ctx.files, ctx };
    const outcomes: Outcome[] = [];
    for (const dump of ctx.files.filter((file) => databaseOf(file.path) !== undefined)) {
      ctx.signal.throwIfAborted();
      outcomes.push(await drillDatabase(job, dump, facts));
    }
    return summary(
      outcomes,
      facts !== undefined,
      ctx.files.some((file) => file.path === USERS_FILE),
    );
  },

  /** Drops a scratch database a killed drill left; any other name is refused. */
  async removeScratch(ctx: SourceScratchContext<MysqlOptions>) {
    assertScratchName(ctx.name);
    const connection = asLogin(await resolveConnection(ctx.options, ctx.resolvePath, ctx.log), ctx.login);
    await dropScratch(connection, ctx.name);
  },
};

async function drillDatabase(job: DrillJob, dump: RestoreFile, facts: MysqlFacts | undefined): Promise<Outcome> {
  const database = databaseOf(dump.path)!;
  const recorded = facts && Object.hasOwn(facts.databases, database) ? facts.databases[database] : undefined;
  const scratch = await job.ctx.scratchName();
  assertScratchName(scratch);
  let failure: unknown;
  let outcome: Outcome | undefined;
  try {
    await createScratch(job, database, scratch);
    await restoreDump(job, dump, database, scratch);
    job.ctx.log.info(`restored database ${database} into the scratch database ${scratch} at ${job.where}`);
    outcome = compare(database, recorded, await restoredTables(job, scratch), facts !== undefined);
  } catch (error) {
    failure = error;
  }
  const notDropped = await dropScratch(job.connection, scratch).then(
    () => undefined,
    (error: unknown) => messageOf(error),
  );
  if (notDropped !== undefined) {
    const left = `the scratch database ${scratch} could not be dropped (${notDropped}): Pickup tries again at its next command`;
    throw new Error(failure === undefined ? `database ${database}: ${left}` : `${messageOf(failure)}; ${left}`);
  }
  if (failure !== undefined) throw failure;
  return outcome!;
}

/** The scratch database, with the backup's character set and collation; never one that exists (CREATE fails). */
async function createScratch(job: DrillJob, database: string, scratch: string): Promise<void> {
  const saved = job.files.find((file) => file.path === propertiesPath(database));
  const definition = saved && (await readFile(saved.localPath, 'utf8'));
  await withClient(job.connection, (client) => client.query(createStatement(scratch, definition))).catch(
    (error: unknown) => {
      const hint = /access denied/i.test(messageOf(error)) ? `; ${RIGHTS_HINT}` : '';
      throw new Error(
        `database ${database}: cannot create the scratch database ${scratch} at ${job.where}: ${messageOf(error)}${hint}`,
      );
    },
  );
}

/** The dump run by the client in the scratch database: nothing of it may act outside, and its events stay off. */
async function restoreDump(job: DrillJob, dump: RestoreFile, database: string, scratch: string): Promise<void> {
  const guard = scratchGuard(scratch);
  const restore: RestoreJob = {
    connection: job.connection,
    client: job.client,
    files: job.files,
    to: scratch,
    force: false,
    asAnother: true,
    log: job.ctx.log,
    signal: job.ctx.signal,
  };
  const sql = {
    stdinFile: dump.localPath,
    gunzipStdin: isGzipped(dump.path),
    stdinTransforms: [retargetCollationSwitches(database, scratch), guard.stream, disableEvents()],
  };
  await runSql(restore, sql, scratch).catch((error: unknown) => {
    if (job.ctx.signal.aborted) throw new Error(`database ${database}: ${messageOf(error)}`);
    const reason =
      guard.refusal() ??
      (error instanceof ToolError && error.exitCode ? clientFailure(error.stderr) : messageOf(error));
    throw new Error(`database ${database}: ${basename(job.client)} could not restore the dump: ${reason}`);
  });
}

/** Rows per table of the scratch database (a count in progress is killed when the drill is interrupted). */
function restoredTables(job: DrillJob, scratch: string): Promise<Map<string, number>> {
  const { signal } = job.ctx;
  return withClient(job.connection, async (client) => {
    const stop = () =>
      void withClient(job.connection, (killer) => killer.query(`KILL QUERY ${Number(client.threadId)}`)).catch(
        () => {},
      );
    signal.addEventListener('abort', stop, { once: true });
    try {
      const [tables] = (await client.query(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')",
        [scratch],
      )) as unknown as [{ name: string }[]];
      const counts = new Map<string, number>();
      for (const { name } of tables) {
        signal.throwIfAborted();
        const [[row]] = (await client.query(
          `SELECT COUNT(*) AS n FROM ${quoteName(scratch)}.${quoteName(name)}`,
        )) as unknown as [[{ n: number | string }]];
        counts.set(name, Number(row.n));
      }
      return counts;
    } finally {
      signal.removeEventListener('abort', stop);
    }
  });
}

/** Each recorded table with its recorded rows, and no other table; throws the first difference. */
function compare(
  database: string,
  recorded: DatabaseFacts | undefined,
  restored: Map<string, number>,
  hasFacts: boolean,
): Outcome {
  if (recorded === undefined)
    return { database, notCounted: hasFacts ? 'the backup recorded no counts for it' : 'no counts recorded' };
  if ('notCounted' in recorded) return { database, notCounted: recorded.notCounted };
  const differences = tableDifferences(recorded.tables, restored);
  if (differences.length > 0) {
    const more = differences.length > 1 ? ` (and ${differences.length - 1} more difference(s))` : '';
    throw new Error(`database ${database}: ${differences[0]}${more}`);
  }
  const rows = Object.values(recorded.tables).reduce((sum, count) => sum + count, 0);
  return { database, tables: restored.size, rows };
}

/** How the restored tables differ from the recorded ones, one phrase each. */
export function tableDifferences(recorded: Record<string, number>, restored: Map<string, number>): string[] {
  const differences: string[] = [];
  for (const [table, rows] of Object.entries(recorded)) {
    const got = restored.get(table);
    if (got === undefined)
      differences.push(`table ${table} is missing from the restored copy (${count(rows, 'row')} recorded)`);
    else if (got !== rows)
      differences.push(`table ${table} has ${format(got)} rows restored, ${format(rows)} recorded`);
  }
  for (const [table, rows] of restored) {
    if (!Object.hasOwn(recorded, table))
      differences.push(`table ${table} (${count(rows, 'row')}) was restored, but the backup recorded no such table`);
  }
  return differences;
}

/** `2 databases restored, 14 tables, 120,456 rows as recorded (users: checksums only)`. */
export function summary(outcomes: readonly Outcome[], hasFacts: boolean, hasUsers: boolean): string {
  const users = hasUsers ? ' (users: checksums only)' : '';
  if (outcomes.length === 0) return `no database in this backup${users}`;
  const restored = `${count(outcomes.length, 'database')} restored`;
  if (!hasFacts)
    return `${restored}; the backup recorded no table counts to compare (made before Pickup recorded them)${users}`;
  const parts = [restored];
  const counted = outcomes.flatMap((outcome) => ('rows' in outcome ? [outcome] : []));
  if (counted.length > 0) {
    const tables = counted.reduce((sum, outcome) => sum + outcome.tables, 0);
    const rows = counted.reduce((sum, outcome) => sum + outcome.rows, 0);
    const which = counted.length < outcomes.length ? ` (${counted.map((outcome) => outcome.database).join(', ')})` : '';
    parts[0] = `${restored}, ${count(tables, 'table')}, ${count(rows, 'row')} as recorded${which}`;
  }
  for (const outcome of outcomes)
    if ('notCounted' in outcome) parts.push(`${outcome.database}: rows not compared, ${outcome.notCounted}`);
  return `${parts.join('; ')}${users}`;
}

async function dropScratch(connection: Connection, name: string): Promise<void> {
  assertScratchName(name);
  await withClient(connection, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteName(name)}`));
}

const format = (n: number) => n.toLocaleString('en-US');
const count = (n: number, noun: string) => `${format(n)} ${noun}${n === 1 ? '' : 's'}`;
