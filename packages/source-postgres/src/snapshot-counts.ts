import { messageOf, type Logger } from '@pickup/core/plugin';
import type pg from 'pg';
import { connect, type Connection } from './connection.js';
import { quoteIdentifier } from './database-properties.js';
import type { DatabaseFacts, TableCount } from './facts.js';

/**
 * The tables whose rows pg_dump dumps: ordinary tables and partitions, outside the system schemas and
 * temporary ones, not an extension's (nor in an extension's schema). Unlogged tables cannot be read on a
 * standby, where pg_dump leaves their rows out too.
 */
const DUMPED_TABLES = `
  SELECT n.nspname AS schema, c.relname AS table
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
    AND (c.relpersistence <> 'u' OR NOT pg_is_in_recovery())
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.deptype = 'e'
      AND ((d.classid = 'pg_class'::regclass AND d.objid = c.oid) OR (d.classid = 'pg_namespace'::regclass AND d.objid = n.oid)))
  ORDER BY 1, 2`;

/** The rows of one table itself (`ONLY`: an inheritance parent's children are counted as tables of their own). */
export function countRowsSql(schema: string, table: string): string {
  return `SELECT count(*) AS rows FROM ONLY ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * Runs `dump` with a snapshot exported from a transaction on `database`, and counts the rows of every
 * table in that same snapshot meanwhile: the counts are the dump's, whatever is written during it. The
 * transaction stays open until the dump is done (pg_dump --jobs workers take the snapshot late). Counting
 * never costs the dump: when no snapshot can be exported, the dump runs without one, not counted.
 */
export async function dumpWithCounts(
  connection: Connection,
  database: string,
  how: { pgDumpArgs: readonly string[]; log: Logger; signal: AbortSignal },
  dump: (snapshot?: string) => Promise<void>,
): Promise<DatabaseFacts> {
  const notCounted = (error: unknown): DatabaseFacts => {
    how.log.warn(
      `database ${database}: the rows of its tables could not be counted, a drill will not compare them: ${messageOf(error)}`,
    );
    return { database, notCounted: `its rows could not be counted: ${messageOf(error)}` };
  };
  let exported: { client: pg.Client; snapshot: string; pid: number };
  try {
    exported = await exportSnapshot(connection, database, how.pgDumpArgs);
  } catch (error) {
    how.signal.throwIfAborted();
    await dump();
    return notCounted(error);
  }
  const { client, snapshot, pid } = exported;
  const stopCounting = () => void cancelQuery(connection, database, pid);
  how.signal.addEventListener('abort', stopCounting, { once: true });
  const counting = countTables(client);
  try {
    try {
      await dump(snapshot);
    } catch (error) {
      stopCounting();
      throw error;
    }
    const facts = await counting.then(
      (tables): DatabaseFacts => ({ database, tables }),
      (error) => {
        how.signal.throwIfAborted();
        return notCounted(error);
      },
    );
    await client.query('COMMIT').catch(() => {}); // read only: nothing to lose
    if ('tables' in facts)
      how.log.debug(
        `counted the rows of ${facts.tables.length} table(s) of database ${database} in the dump's snapshot`,
      );
    return facts;
  } finally {
    how.signal.removeEventListener('abort', stopCounting);
    counting.catch(() => {}); // a failed or interrupted dump's counts are not wanted
    await client.end().catch(() => {});
  }
}

/** A transaction on `database` that pg_dump can share the snapshot of, held open as long as the dump needs. */
async function exportSnapshot(
  connection: Connection,
  database: string,
  pgDumpArgs: readonly string[],
): Promise<{ client: pg.Client; snapshot: string; pid: number }> {
  const client = await connect(connection, database);
  // Its connection lost midway fails the query at hand; unhandled, the event would end Pickup.
  client.on('error', () => {});
  try {
    // pg_dump imports the snapshot at its own isolation level, which must be the exporter's.
    const serializable = pgDumpArgs.includes('--serializable-deferrable');
    await client.query(
      serializable
        ? 'BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE'
        : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    // As pg_dump: no time limit, and every row read (or an error) unless it dumps only what row security shows.
    const rowSecurity = pgDumpArgs.includes('--enable-row-security') ? 'on' : 'off';
    await client.query(
      `SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0; SET LOCAL row_security = ${rowSecurity}`,
    );
    const { snapshot, pid } = (
      await client.query<{ snapshot: string; pid: number }>(
        'SELECT pg_export_snapshot() AS snapshot, pg_backend_pid() AS pid',
      )
    ).rows[0]!;
    return { client, snapshot, pid };
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/** Every dumped table's rows. On failure the transaction, and with it the exported snapshot, stays usable. */
async function countTables(client: pg.Client): Promise<TableCount[]> {
  await client.query('SAVEPOINT counting');
  try {
    const tables = (await client.query<{ schema: string; table: string }>(DUMPED_TABLES)).rows;
    const counts: TableCount[] = [];
    for (const { schema, table } of tables) {
      const rows = (await client.query<{ rows: string }>(countRowsSql(schema, table))).rows[0]!.rows;
      counts.push({ schema, table, rows: Number(rows) });
    }
    await client.query('RELEASE SAVEPOINT counting');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT counting').catch(() => {});
    throw error;
  }
}

/** Stops the counting on a failed or interrupted dump, rather than let it hold its snapshot and locks on the server. */
async function cancelQuery(connection: Connection, database: string, pid: number): Promise<void> {
  try {
    const other = await connect(connection, database);
    try {
      await other.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await other.end();
    }
  } catch {
    // The connection's end stops it at the server's next look at its socket.
  }
}
