// needs: mariadb
import { readFile, writeFile } from 'node:fs/promises';
import { openHarness, type Harness } from '@pickup/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import mysqlSource from '../src/index.js';
import {
  backup,
  drillContext,
  drop,
  exists,
  fingerprint,
  my,
  scratchContext,
  sourceOptions,
  unique,
} from './drill-helpers.js';

const drill = mysqlSource.drill!;
const ODD = 'it``s odd 日本'; // the table `it`s odd 日本`, as SQL quotes it

let harness: Harness;
let cleanup: (() => void)[];
beforeEach(async () => {
  harness = await openHarness();
  cleanup = [];
});
afterEach(async () => {
  for (const step of cleanup.reverse()) step();
  await harness.close();
});

/**
 * A database of four tables (one empty, one whose name needs quoting, one with its history), a view, a
 * sequence, a routine, a trigger, an event.
 */
function shop(): string {
  const db = unique('pickup_drillsrc');
  my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
  cleanup.push(() => drop(db));
  my.sql(
    [
      'CREATE TABLE orders (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB',
      "INSERT INTO orders VALUES (1, 'a ( b'), (2, 'O''Brien; (3,''x'')'), (3, 'back\\\\slash\\'s')",
      'CREATE TABLE empty (id INT) ENGINE=InnoDB',
      `CREATE TABLE \`${ODD}\` (id INT, v VARBINARY(8)) ENGINE=InnoDB`,
      `INSERT INTO \`${ODD}\` VALUES (1, 0x00282729), (2, NULL)`,
      'CREATE TABLE prices (cents INT) WITH SYSTEM VERSIONING',
      'INSERT INTO prices VALUES (100)',
      'UPDATE prices SET cents = 120', // one row now, two in its history
      'CREATE SEQUENCE ids',
      'CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 1',
      "CREATE PROCEDURE add_order(i INT) INSERT INTO orders VALUES (i, 'from p')",
      'CREATE TRIGGER stamp BEFORE INSERT ON empty FOR EACH ROW SET NEW.id = NEW.id + 1',
      "CREATE EVENT sweep ON SCHEDULE EVERY 1 MINUTE DO DELETE FROM orders WHERE note = 'x'",
    ].join(';\n'),
    db,
  );
  return db;
}

/** Expects none of the scratch names given out to be left on the server. */
function expectDropped(given: string[]): void {
  expect(given.length).toBeGreaterThan(0);
  for (const name of given) expect(exists(name), name).toBe(false);
}

describe('drills of MariaDB databases', () => {
  it('records each table and its rows, restores into a scratch database that matches them, then drops it', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db], users: true });
    const made = await backup(harness, options);
    expect(made.facts).toEqual({
      databases: { [db]: { tables: { orders: 3, empty: 0, 'it`s odd 日本': 2, prices: 1 } } },
    });

    const before = fingerprint(db);
    const given: string[] = [];
    const line = await drill.restoreAndCheck(drillContext(harness, options, made, { given }));
    expect(line).toBe('1 database restored, 4 tables, 6 rows as recorded (users: checksums only)');
    expectDropped(given);
    expect(fingerprint(db)).toBe(before);
  });

  it('names the table whose rows differ from the recorded ones', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db] });
    const first = await backup(harness, options);
    my.sql("INSERT INTO orders VALUES (4, 'later')", db);
    const second = await backup(harness, options);

    const given: string[] = [];
    const mixed = { files: second.files, facts: first.facts };
    await expect(drill.restoreAndCheck(drillContext(harness, options, mixed, { given }))).rejects.toThrow(
      `database ${db}: table orders has 4 rows restored, 3 recorded`,
    );
    expectDropped(given);
  });

  it('says in one line why the client refused a damaged dump, and drops the scratch database', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db], compression: 'none' });
    const made = await backup(harness, options);
    const dump = made.files.find((file) => file.path === `${db}.sql`)!;
    await writeFile(
      dump.localPath,
      (await readFile(dump.localPath, 'utf8')).replace('INSERT INTO `orders`', 'INSERT INTX `orders`'),
    );

    const given: string[] = [];
    const failure = drill.restoreAndCheck(drillContext(harness, options, made, { given }));
    await expect(failure).rejects.toThrow(
      new RegExp(
        `^database ${db}: mariadb could not restore the dump: ERROR 1064 \\(42000\\) at line \\d+: You have an error in your SQL syntax[^\\n]*$`,
      ),
    );
    expectDropped(given);
  });

  it('restores a backup that recorded nothing, and says there was nothing to compare', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db] });
    const made = await backup(harness, options);
    const given: string[] = [];
    const line = await drill.restoreAndCheck(drillContext(harness, options, { ...made, facts: undefined }, { given }));
    expect(line).toBe(
      '1 database restored; the backup recorded no table counts to compare (made before Pickup recorded them)',
    );
    expectDropped(given);
  });

  it('fails with one line on facts of another shape', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db] });
    const made = await backup(harness, options);
    const facts = { databases: { [db]: { tables: { orders: 'three' } } } };
    await expect(drill.restoreAndCheck(drillContext(harness, options, { ...made, facts }))).rejects.toThrow(
      "the backup's recorded table counts cannot be read (databases: each database with its tables, or why they were not counted)",
    );
  });

  it('records no counts when dumpArgs leave rows out, and says so', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db], dumpArgs: ['--where=1 = 1'] });
    const made = await backup(harness, options);
    const why = 'dumpArgs has --where, which leaves rows out';
    expect(made.facts).toEqual({ databases: { [db]: { notCounted: why } } });
    const line = await drill.restoreAndCheck(drillContext(harness, options, made));
    expect(line).toBe(`1 database restored; ${db}: rows not compared, ${why}`);
  });

  it('never runs what a dump made with --databases holds for the original database', async () => {
    const db = shop();
    const options = await sourceOptions(harness, { databases: [db], dumpArgs: ['--databases'] });
    const made = await backup(harness, options);
    // The original goes on; a restore that followed the dump's USE would put the backup's rows back into it.
    my.sql("INSERT INTO orders VALUES (9, 'after the backup')", db);
    const before = fingerprint(db);
    const given: string[] = [];
    await expect(drill.restoreAndCheck(drillContext(harness, options, made, { given }))).rejects.toThrow(
      `database ${db}: mariadb could not restore the dump: the dump holds a CREATE DATABASE statement, ` +
        'which acts outside the database restored into: a drill does not run it',
    );
    expect(fingerprint(db)).toBe(before);
    expectDropped(given);
  });

  it('restores as the drill login, which needs rights on pickup_drill_ databases only', async () => {
    const db = shop();
    const user = unique('pk_drill');
    const password = `pw-${unique('x')}`;
    my.sql(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
    cleanup.push(() => my.sql(`DROP USER '${user}'@'127.0.0.1'`));
    const options = await sourceOptions(harness, { databases: [db] });
    const made = await backup(harness, options);

    const refused = drill.restoreAndCheck(drillContext(harness, options, made, { login: { user, password } }));
    await expect(refused).rejects.toThrow(
      `database ${db}: cannot create the scratch database pickup_drill_`, // and why, with what to do
    );
    await expect(refused).rejects.toThrow(
      /Access denied.*; the drill needs an account that may create and drop databases named pickup_drill_/,
    );

    my.sql(
      `GRANT ALL ON \`pickup\\_drill\\_%\`.* TO '${user}'@'127.0.0.1'; GRANT SET USER ON *.* TO '${user}'@'127.0.0.1'`,
    );
    const given: string[] = [];
    const line = await drill.restoreAndCheck(
      drillContext(harness, options, made, { given, login: { user, password } }),
    );
    expect(line).toBe('1 database restored, 4 tables, 6 rows as recorded');
    expectDropped(given);
  });
});

describe('removing a scratch database a drill left', () => {
  it('drops a pickup_drill_ database, and is no error when it is gone', async () => {
    const options = await sourceOptions(harness, {});
    const left = unique('pickup_drill');
    my.sql(`CREATE DATABASE ${left}; CREATE TABLE ${left}.t (id INT); INSERT INTO ${left}.t VALUES (1)`);
    cleanup.push(() => drop(left));
    await drill.removeScratch!(scratchContext(harness, options, left));
    expect(exists(left)).toBe(false);
    await drill.removeScratch!(scratchContext(harness, options, left));
  });

  it('refuses any other name, and drops nothing', async () => {
    const db = shop();
    const options = await sourceOptions(harness, {});
    for (const name of [db, 'pickup_drill_', `pickup_drill_x\`; DROP DATABASE \`${db}`]) {
      await expect(drill.removeScratch!(scratchContext(harness, options, name))).rejects.toThrow(
        "is not a drill's scratch database (pickup_drill_...): it is left alone",
      );
    }
    expect(exists(db)).toBe(true);
  });
});
