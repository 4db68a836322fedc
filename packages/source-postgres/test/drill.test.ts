// needs: postgres
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { drillBench, fingerprint, server, shopDatabase, shopFacts } from './drill-bench.js';

/** A drill restores each format's dump into a scratch database and finds it as the backup's facts say, or says what differs. */
describe('postgres source: drills', () => {
  const { made, backUp, restoreAndCheck, expectScratchGone } = drillBench();

  it.each(['custom', 'directory', 'plain'])(
    'records exact table counts, and restores a %s dump as recorded, dropping the scratch database and changing nothing else',
    async (format) => {
      const db = shopDatabase();
      made.push(db);
      const backup = await backUp(db, { format, globals: true });
      expect(backup.facts).toEqual({ databases: [shopFacts(db)] });
      expect((backup.facts!.databases as unknown[])[0]).toHaveProperty('tables.length', 5);
      const before = fingerprint(db);
      const line = await restoreAndCheck(db, backup, backup.facts);
      expect(line).toBe('1 database restored, 5 tables, 11 rows as recorded (roles: checksums only)');
      expectScratchGone();
      expect(fingerprint(db)).toBe(before);
    },
  );

  it('fails naming the table and both counts when the dump holds other rows or tables than the facts say', async () => {
    const db = shopDatabase();
    made.push(db);
    const first = await backUp(db, { globals: false });
    server.sql(db, "INSERT INTO orders (item) VALUES ('one more')");
    const second = await backUp(db, { globals: false });
    expect(second.facts).toEqual({ databases: [shopFacts(db, 6)] });
    await expect(restoreAndCheck(db, second, first.facts)).rejects.toThrow(
      new RegExp(`^database ${db}: table public\\.orders has 6 rows restored, 5 recorded$`),
    );
    const [recorded] = second.facts!.databases as { tables: object[] }[];
    const withAnother = {
      databases: [{ ...recorded, tables: [...recorded!.tables, { schema: 'Sales Data', table: 'Gone', rows: 1204 }] }],
    };
    await expect(restoreAndCheck(db, second, withAnother)).rejects.toThrow(
      new RegExp(
        `^database ${db}: table "Sales Data"\\."Gone" is missing from the restored copy \\(1,204 rows recorded\\)$`,
      ),
    );
    expectScratchGone();
  });

  it('fails in one line when pg_restore refuses a damaged dump, and drops the scratch database', async () => {
    const db = shopDatabase();
    made.push(db);
    server.sql(db, 'INSERT INTO orders (item) SELECT md5(i::text) FROM generate_series(1, 20000) i');
    const backup = await backUp(db, { globals: false });
    const dump = backup.files.find((file) => file.path.endsWith('.dump'))!;
    // Garbage in the middle of the compressed table data, past the table of contents.
    const handle = await open(dump.localPath, 'r+');
    await handle.write(randomBytes(64), 0, 64, Math.floor(dump.size * 0.6));
    await handle.close();
    const names: string[] = [];
    const failure = await restoreAndCheck(db, backup, backup.facts, { names }).then(
      () => 'it passed',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(new RegExp(`^database ${db}: pg_restore could not (restore|read) the dump: \\S`));
    expect(failure).not.toContain('\n');
    expect(names).toHaveLength(1);
    expectScratchGone();
  });

  it('records no table counts when pgDumpArgs leave rows out, and says so in the line', async () => {
    const db = shopDatabase();
    made.push(db);
    const more = { globals: false, pgDumpArgs: ['--exclude-table-data=orders'] };
    const backup = await backUp(db, more);
    expect(backup.facts).toEqual({
      databases: [{ database: db, notCounted: 'pgDumpArgs --exclude-table-data leaves rows out' }],
    });
    await expect(restoreAndCheck(db, backup, backup.facts, { more })).resolves.toBe(
      `1 database restored; database ${db} not compared: pgDumpArgs --exclude-table-data leaves rows out`,
    );
    expectScratchGone();
  });

  it('restores a backup without facts, comparing nothing, and refuses facts it cannot read', async () => {
    const db = shopDatabase();
    made.push(db);
    const backup = await backUp(db, { globals: false });
    await expect(restoreAndCheck(db, backup, undefined)).resolves.toBe(
      '1 database restored; the backup recorded no table counts to compare (made before Pickup recorded them)',
    );
    const names: string[] = [];
    const damaged = { databases: [{ database: db, tables: [{ schema: 'public', table: 'orders', rows: -1 }] }] };
    await expect(restoreAndCheck(db, backup, damaged, { names })).rejects.toThrow(
      /^the backup's recorded table counts cannot be read \(databases\.0\.tables\.0\.rows: .*\): the manifest is damaged$/,
    );
    expect(names, 'nothing restored from a backup with unreadable facts').toEqual([]);
    expectScratchGone();
  });
});
