// needs: postgres
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { databaseExists, drill, drillBench, server, shopDatabase, suffix, TABLES } from './drill-bench.js';

/** What a drill counts is the dump's; it works as the drill user; it stops when interrupted; it drops scratch databases only. */
describe('postgres source: drills, safely', () => {
  const { made, roles, given, backUp, restoreAndCheck, expectScratchGone, context } = drillBench();

  it('counts in the dump’s own snapshot: rows written during the backup are neither in the dump nor in the facts', async () => {
    const db = shopDatabase();
    made.push(db);
    server.sql(db, 'INSERT INTO orders (item) SELECT md5(i::text) FROM generate_series(1, 200000) i');
    const writer = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: db,
    });
    await writer.connect();
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await writer.query("INSERT INTO orders (item) VALUES ('during'); INSERT INTO empty VALUES (1)");
        written++;
      }
    })();
    try {
      const backup = await backUp(db, { globals: false, format: 'directory', jobs: 2 });
      writing = false;
      await writes;
      const live = Number(server.sql(db, 'SELECT count(*) FROM orders'));
      const recorded = (backup.facts!.databases as { tables: { table: string; rows: number }[] }[])[0]!.tables;
      const orders = recorded.find((table) => table.table === 'orders')!.rows;
      expect(written, 'rows written while the backup ran').toBeGreaterThan(0);
      expect(orders, 'orders as recorded: some written during the backup are not').toBeLessThan(live);
      expect(orders).toBeGreaterThanOrEqual(200_005);
      await expect(restoreAndCheck(db, backup, backup.facts)).resolves.toMatch(/^1 database restored, 5 tables, /);
      expectScratchGone();
    } finally {
      writing = false;
      await writes.catch(() => {});
      await writer.end();
    }
  });

  it('restores and drops as the drill user when one is given, and names what that user lacks', async () => {
    const owner = `pickup_dt_owner_${suffix()}`;
    const user = `pickup_dt_user_${suffix()}`;
    roles.push(user, owner);
    server.sql('postgres', `CREATE ROLE ${owner}; CREATE ROLE ${user} LOGIN CREATEDB PASSWORD 'Dr1ll-${user}'`);
    const db = shopDatabase();
    made.push(db);
    server.sql('postgres', `ALTER DATABASE ${db} OWNER TO ${owner}`);
    server.sql(
      db,
      [`ALTER SCHEMA "Sales Data" OWNER TO ${owner}`, `ALTER VIEW big_orders OWNER TO ${owner}`]
        .concat([...TABLES, 'readings'].map((table) => `ALTER TABLE ${table} OWNER TO ${owner}`))
        .join('; '),
    );
    const backup = await backUp(db, { globals: false });
    const login = { user, password: `Dr1ll-${user}`, passwordFrom: 'drill.passwordFile drill-password' };
    // Not a member of the owner: the scratch database cannot be given the dumped one's owner.
    await expect(restoreAndCheck(db, backup, backup.facts, { login })).rejects.toThrow(
      new RegExp(
        `^database ${db}: could not create the scratch database pickup_drill_\\w+ at .* as ${user}: ` +
          '.*must be (able to SET ROLE|member of role).*; drill as a user that may create databases',
      ),
    );
    expectScratchGone();
    server.sql('postgres', `GRANT ${owner} TO ${user}`);
    await expect(restoreAndCheck(db, backup, backup.facts, { login })).resolves.toBe(
      '1 database restored, 5 tables, 11 rows as recorded',
    );
    expectScratchGone();
  });

  it('stops the restore when interrupted, and drops the scratch database before it rejects', async () => {
    const db = shopDatabase();
    made.push(db);
    server.sql(
      db,
      'INSERT INTO orders (item) SELECT md5(i::text) || md5((i * 7)::text) FROM generate_series(1, 400000) i',
    );
    const backup = await backUp(db, { globals: false });
    const controller = new AbortController();
    const names: string[] = [];
    const drilling = restoreAndCheck(db, backup, backup.facts, { signal: controller.signal, names });
    let settled = false;
    drilling
      .catch(() => {})
      .finally(() => {
        settled = true;
      });
    // Interrupted while pg_restore copies the rows into the scratch database.
    const copying = () =>
      names.length > 0 &&
      server.sql(
        'postgres',
        `SELECT count(*) FROM pg_stat_activity WHERE datname = '${names[0]}' AND query LIKE 'COPY %'`,
      ) !== '0';
    while (!settled && !copying()) await new Promise((resolve) => setTimeout(resolve, 20));
    const aborted = performance.now();
    controller.abort(new Error('interrupted by the test'));
    await expect(drilling).rejects.toThrow(/^interrupted by the test$/);
    expect(performance.now() - aborted, 'ms from the abort to the rejection').toBeLessThan(10_000);
    expectScratchGone();
  });

  it('removeScratch drops a scratch database (its subscriptions detached first), and refuses any other name', async () => {
    const name = `pickup_drill_${randomBytes(6).toString('hex')}`;
    given.push(name);
    server.sql('postgres', `CREATE DATABASE ${name}`);
    // As a dump restores it: not connected, with the slot name of the real subscription, which must stay untouched.
    server.sql(
      name,
      `CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=1 dbname=nowhere' PUBLICATION p
       WITH (connect = false, enabled = false, slot_name = 'the_real_slot', create_slot = false)`,
    );
    const scratchContext = context('postgres');
    await drill.removeScratch!({ ...scratchContext, name });
    expect(databaseExists(name)).toBe(false);
    await expect(drill.removeScratch!({ ...scratchContext, name })).resolves.toBeUndefined();

    const real = shopDatabase();
    made.push(real);
    for (const refused of [real, 'postgres', `${name}; DROP DATABASE ${real}`, 'PICKUP_DRILL_X', 'pickup_drill_'])
      await expect(drill.removeScratch!({ ...scratchContext, name: refused })).rejects.toThrow(
        /^refusing to drop database /,
      );
    expect(databaseExists(real)).toBe(true);
  });
});
