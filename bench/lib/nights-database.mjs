// The nights case's PostgreSQL database on the test server: a base made once and kept, a copy of it
// changed night after night (about 1% of the rows updated, chosen by a hash of the row and the night).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const BASE = 'pickup_bench_nights_v1';

function psqlOf(pg) {
  const login = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-v', 'ON_ERROR_STOP=1', '-At'];
  // Each command in a -c of its own: VACUUM cannot run in the transaction of several.
  return (database, ...commands) =>
    execFileSync(join(pg.bin, 'psql'), [...login, '-d', database, ...commands.flatMap((sql) => ['-c', sql])], {
      env: { ...process.env, PGPASSWORD: pg.password },
      encoding: 'utf8',
    }).trim();
}

/** About 60 MB as a plain dump at scale 1: 50,000 accounts and 550,000 orders of them. */
function ensureBase(pg, scale, log) {
  const psql = psqlOf(pg);
  const database = `${BASE}_${String(scale).replace('.', '_')}`;
  if (psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${database}'`) === '1') {
    if (psql(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'complete'") === '1') return database;
    psql('postgres', `DROP DATABASE ${database}`);
  }
  const accounts = Math.max(100, Math.round(50_000 * scale));
  const orders = Math.max(1000, Math.round(550_000 * scale));
  log(`generating database ${database} (${accounts} accounts, ${orders} orders) ...`);
  psql('postgres', `CREATE DATABASE ${database}`);
  psql(
    database,
    `CREATE TABLE accounts (id int PRIMARY KEY, name text, email text, balance numeric(12,2), updated timestamptz);
     INSERT INTO accounts SELECT g, 'customer ' || g, 'c' || g || '@' || substr(md5(g::text), 1, 8) || '.example', (g % 10000) / 10.0,
       timestamptz '2025-01-01' + g * interval '1 minute' FROM generate_series(1, ${accounts}) g;
     CREATE TABLE orders (id bigint PRIMARY KEY, account int REFERENCES accounts, state text, detail text, total numeric(12,2), placed timestamptz);
     INSERT INTO orders SELECT g, 1 + g % ${accounts}, (ARRAY['pending','paid','shipped','refunded','cancelled'])[1 + g % 5],
       md5(g::text) || ' via ' || (ARRAY['web','app','phone','shop'])[1 + (g / 7) % 4] || ' ref ' || substr(md5((g * 3)::text), 1, 12),
       (g % 100000) / 100.0, timestamptz '2026-01-01' + g * interval '10 seconds' FROM generate_series(1, ${orders}) g;
     CREATE INDEX ON orders (account);
     CREATE TABLE complete ();`,
  );
  return database;
}

/** A fresh copy of the base database, to change night after night; `drop` removes it. */
export function workingDatabase(pg, scale, log) {
  const psql = psqlOf(pg);
  const base = ensureBase(pg, scale, log);
  const database = `pickup_bench_nights_${randomBytes(4).toString('hex')}`;
  psql('postgres', `CREATE DATABASE ${database} TEMPLATE ${base}`);
  return {
    database,
    /** Night `night`'s updates (about 1% of each table's rows), then a vacuum as a nightly job would run. */
    change(night) {
      const picked = `abs(hashtext(id::text || ':${night}')) % 100 = 0`;
      psql(
        database,
        `UPDATE accounts SET balance = balance + 1, updated = timestamptz '2026-01-01' + ${night} * interval '1 day' WHERE ${picked}`,
        `UPDATE orders SET state = 'corrected', detail = md5(id::text || ':${night}') || ' corrected night ${night}', total = total + 0.5
           WHERE ${picked}`,
        'VACUUM ANALYZE accounts',
        'VACUUM ANALYZE orders',
      );
    },
    drop: () => psql('postgres', `DROP DATABASE IF EXISTS ${database}`),
  };
}
