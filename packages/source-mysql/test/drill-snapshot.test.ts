// needs: mariadb
import { openHarness, type Harness } from '@pickup/testkit';
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mysqlSource from '../src/index.js';
import { backup, drillContext, drop, exists, fingerprint, my, sourceOptions, unique } from './drill-helpers.js';

const drill = mysqlSource.drill!;

let harness: Harness;
let db: string;
beforeEach(async () => {
  harness = await openHarness();
  db = unique('pickup_drillbig');
  my.sql(`CREATE DATABASE ${db}`);
  my.sql(
    'CREATE TABLE rows_ (id INT AUTO_INCREMENT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB;' +
      "INSERT INTO rows_ SELECT seq, MD5(seq), CONCAT('(', seq, '),(''') FROM seq_1_to_300000",
    db,
  );
});
afterEach(async () => {
  drop(db);
  await harness.close();
});

const rowsNow = () => Number(my.sql('SELECT COUNT(*) FROM rows_', db));

describe('drills of a database written to while it is dumped', () => {
  it('records the rows of the dump, not those written meanwhile; the drill then finds them as recorded', async () => {
    const options = await sourceOptions(harness, { databases: [db] });
    // A second connection inserts rows, one statement each, all through the backup.
    const writer = await mysql.createConnection({
      host: my.host,
      port: my.port,
      user: my.user,
      password: my.password,
      database: db,
    });
    let writing = true;
    const written = (async () => {
      while (writing) await writer.query("INSERT INTO rows_ (a, b) VALUES ('during', 'the dump')");
    })();
    try {
      while (rowsNow() === 300_000) await new Promise((resolve) => setTimeout(resolve, 10));
      const made = await backup(harness, options);
      writing = false;
      await written;
      const recorded = (made.facts as { databases: Record<string, { tables: { rows_: number } }> }).databases[db]!
        .tables.rows_;
      expect(recorded).toBeGreaterThan(300_000);
      expect(rowsNow()).toBeGreaterThan(recorded); // rows came after the dump's snapshot

      const given: string[] = [];
      const line = await drill.restoreAndCheck(drillContext(harness, options, made, { given }));
      expect(line).toBe(`1 database restored, 1 table, ${recorded.toLocaleString('en-US')} rows as recorded`);
      for (const name of given) expect(exists(name)).toBe(false);
    } finally {
      writing = false;
      await written.catch(() => {});
      await writer.end();
    }
  });

  it('stops the restore when interrupted, and drops the scratch database', async () => {
    const options = await sourceOptions(harness, { databases: [db] });
    const made = await backup(harness, options);
    const before = fingerprint(db);
    const abort = new AbortController();
    const given: string[] = [];
    const drilling = drill.restoreAndCheck(drillContext(harness, options, made, { given, signal: abort.signal }));
    drilling.catch(() => {});
    // Interrupted once the client has begun to fill the scratch database.
    const filling = () =>
      given.length > 0 &&
      my.sql(`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '${given[0]}'`) !== '0';
    while (!filling()) await new Promise((resolve) => setTimeout(resolve, 20));
    const interrupted = Date.now();
    abort.abort();
    await expect(drilling).rejects.toThrow(`database ${db}: mariadb was stopped: the run was interrupted`);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    expect(exists(given[0]!)).toBe(false);
    expect(fingerprint(db)).toBe(before);
  });
});
