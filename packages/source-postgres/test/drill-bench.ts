import { randomBytes } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { PluginContext, RestoreFile, RestoreLogin, SourceFacts } from '@pickup/core';
import { openHarness, pathsUnder, type Harness } from '@pickup/testkit';
import { postgres } from '../../../test/servers.js';
import postgresSource, { type PostgresOptions } from '../src/index.js';

/** What the drill tests share: a database to back up, and the plugin called as the core calls it. */

export const server = postgres();
export const drill = postgresSource.drill!;
export const suffix = () => randomBytes(4).toString('hex');
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const databaseExists = (name: string) =>
  server.sql('postgres', `SELECT count(*) FROM pg_database WHERE datname = ${literal(name)}`) === '1';

/** The tables of `shopDatabase` that hold rows (a partitioned table's are its partitions'). */
export const TABLES = ['orders', 'empty', '"Sales Data"."Order ""Items"".v2"', 'readings_2024', 'readings_2025'];

/** Every table's rows, as text: the same before and after means nothing was written to them. */
export const fingerprint = (db: string) =>
  server.sql(
    db,
    TABLES.map(
      (table) => `SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM ${table} t`,
    ).join(' UNION ALL '),
  );

/** A new database: tables of a few rows, an empty one, one whose names need quoting, a partitioned one, a view. */
export function shopDatabase(): string {
  const db = `pickup_dt_${suffix()}`;
  server.sql('postgres', `CREATE DATABASE ${db}`);
  server.sql(
    db,
    `CREATE TABLE orders (id serial PRIMARY KEY, item text);
     INSERT INTO orders (item) SELECT 'item ' || i FROM generate_series(1, 5) i;
     CREATE TABLE empty (id int);
     CREATE SCHEMA "Sales Data";
     CREATE TABLE "Sales Data"."Order ""Items"".v2" (n int);
     INSERT INTO "Sales Data"."Order ""Items"".v2" SELECT generate_series(1, 3);
     CREATE TABLE readings (at date, value int) PARTITION BY RANGE (at);
     CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
     INSERT INTO readings VALUES ('2024-03-01', 1), ('2024-04-01', 2), ('2025-05-01', 3);
     CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 2;`,
  );
  return db;
}

/** The facts of a backup of `shopDatabase`, with `orders` rows in it. */
export const shopFacts = (db: string, orders = 5) => ({
  database: db,
  tables: expect.arrayContaining([
    { schema: 'public', table: 'orders', rows: orders },
    { schema: 'public', table: 'empty', rows: 0 },
    { schema: 'Sales Data', table: 'Order "Items".v2', rows: 3 },
    { schema: 'public', table: 'readings_2024', rows: 2 },
    { schema: 'public', table: 'readings_2025', rows: 1 },
  ]),
});

export interface DrillBench {
  /** Databases and roles the test made, removed after the file. */
  made: string[];
  roles: string[];
  /** Every scratch name given out (or made by a test): removed with `removeScratch` after the file. */
  given: string[];
  /** A backup of `db` into a folder of its own: its facts, and its files as a drill gets them. */
  backUp(db: string, more?: Record<string, unknown>): Promise<{ facts: SourceFacts | undefined; files: RestoreFile[] }>;
  /** `drill.restoreAndCheck` of those files against `facts`; `names` gets the scratch names it was given. */
  restoreAndCheck(
    db: string,
    backup: { files: RestoreFile[] },
    facts: SourceFacts | undefined,
    how?: { more?: Record<string, unknown>; login?: RestoreLogin; signal?: AbortSignal; names?: string[] },
  ): Promise<string>;
  /** Fails unless every scratch database given out so far is gone. */
  expectScratchGone(): void;
  context(db: string): PluginContext<PostgresOptions>;
}

/** Sets up a harness for the file's tests (before all), and removes what they made (after all). */
export function drillBench(): DrillBench {
  let harness: Harness;
  const made: string[] = [];
  const roles: string[] = [];
  const given: string[] = [];

  beforeAll(async () => {
    harness = await openHarness();
    await writeFile(join(harness.workDir, 'password'), `${server.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of given) await drill.removeScratch!({ ...context('postgres'), name }).catch(() => {});
    for (const name of made) server.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const role of roles) server.sql('postgres', `DROP ROLE IF EXISTS ${role}`);
    await harness.close();
  });

  const options = (db: string, more: Record<string, unknown> = {}) => ({
    host: server.host,
    port: server.port,
    user: server.user,
    passwordFile: 'password',
    databases: [db],
    ...more,
  });
  const context = (db: string, more?: Record<string, unknown>, signal?: AbortSignal) =>
    harness.context<PostgresOptions>(postgresSource, 'db', options(db, more), signal);

  return {
    made,
    roles,
    given,
    context: (db) => context(db),
    async backUp(db, more = {}) {
      const dir = join(harness.workDir, `backup-${suffix()}`);
      await mkdir(dir);
      const warnings: string[] = [];
      const result = await postgresSource.backup({
        ...context(db, more),
        dir,
        warn: (message) => warnings.push(message),
      });
      expect(warnings).toEqual([]);
      const files: RestoreFile[] = [];
      for (const path of await pathsUnder(dir)) {
        const info = await stat(join(dir, path));
        if (info.isFile()) files.push({ path, localPath: join(dir, path), size: info.size });
      }
      return { facts: result?.facts, files };
    },
    async restoreAndCheck(db, backup, facts, how = {}) {
      const scratchDir = join(harness.workDir, `scratch-${suffix()}`);
      await mkdir(scratchDir);
      return drill.restoreAndCheck({
        ...context(db, how.more, how.signal),
        files: backup.files,
        facts,
        scratchDir,
        login: how.login,
        scratchName: async () => {
          const name = `pickup_drill_${randomBytes(6).toString('hex')}`;
          given.push(name);
          how.names?.push(name);
          return name;
        },
      });
    },
    expectScratchGone() {
      for (const name of given) expect(databaseExists(name), `scratch database ${name}`).toBe(false);
    },
  };
}
