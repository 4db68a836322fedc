import { messageOf } from '@pickup/core/plugin';
import { connect, describeConnection, type Connection } from './connection.js';
import { quoteIdentifier } from './database-properties.js';

/** What a drill's scratch database is named (`pickup_drill_` and random letters): never a real database. */
const SCRATCH_NAME = /^pickup_drill_[a-z0-9]+$/;

/** Refuses a name that is not a scratch database's: a drill must never drop a real database. */
export function assertScratchName(name: string): void {
  if (!SCRATCH_NAME.test(name))
    throw new Error(
      `refusing to drop database ${JSON.stringify(name)}: not a drill's scratch database (pickup_drill_...)`,
    );
}

/**
 * Drops a scratch database if it is there; resolves whether it was. Its subscriptions (a dump restores
 * them disabled, not connected) are detached from their slots first: dropping one as it is would drop
 * the publisher's slot, which the real subscription uses.
 */
export async function dropScratch(connection: Connection, maintenanceDatabase: string, name: string): Promise<boolean> {
  assertScratchName(name);
  const admin = await connect(connection, maintenanceDatabase);
  try {
    const found = await admin.query<{ subscriptions: string; version: string }>(
      `SELECT (SELECT count(*) FROM pg_subscription s WHERE s.subdbid = d.oid) AS subscriptions,
        current_setting('server_version_num') AS version FROM pg_database d WHERE d.datname = $1`,
      [name],
    );
    if (found.rowCount === 0) return false;
    const { subscriptions, version } = found.rows[0]!;
    if (Number(subscriptions) > 0) await detachSubscriptions(connection, name);
    // From PostgreSQL 13 on, sessions still in it (a count the drill was stopped in) are ended.
    await admin.query(
      `DROP DATABASE IF EXISTS ${quoteIdentifier(name)}${Number(version) >= 130000 ? ' WITH (FORCE)' : ''}`,
    );
    return true;
  } catch (error) {
    throw new Error(
      `cannot drop the scratch database ${name} at ${describeConnection(connection)}: ${messageOf(error)}`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
}

async function detachSubscriptions(connection: Connection, name: string): Promise<void> {
  const scratch = await connect(connection, name);
  try {
    const { rows } = await scratch.query<{ subname: string }>(
      'SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
    );
    for (const { subname } of rows) {
      const subscription = quoteIdentifier(subname);
      await scratch.query(`ALTER SUBSCRIPTION ${subscription} DISABLE`);
      await scratch.query(`ALTER SUBSCRIPTION ${subscription} SET (slot_name = NONE)`);
      await scratch.query(`DROP SUBSCRIPTION ${subscription}`);
    }
  } finally {
    await scratch.end().catch(() => {});
  }
}
