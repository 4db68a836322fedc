// The postgres source against plain `pg_dump -Fc` of the same generated database, on the test server.
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const name = 'postgres';
export const title = 'postgres source vs pg_dump -Fc';
export const needsServers = true;

const DATABASE = 'pickup_bench_v1';

/** A database of about 300 MB at scale 1 (orders with text and numbers), made once and kept. */
function ensureDatabase(pg, scale, log) {
  const psql = (database, sql) =>
    execFileSync(
      join(pg.bin, 'psql'),
      ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql],
      {
        env: { ...process.env, PGPASSWORD: pg.password },
        encoding: 'utf8',
      },
    ).trim();
  const database = `${DATABASE}_${String(scale).replace('.', '_')}`;
  const rows = Math.max(1000, Math.round(2_000_000 * scale));
  if (psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${database}'`) === '1') {
    if (psql(database, "SELECT count(*) FROM pg_tables WHERE tablename = 'complete'") === '1') return database;
    psql('postgres', `DROP DATABASE ${database}`);
  }
  log(`generating database ${database} (${rows} rows) ...`);
  psql('postgres', `CREATE DATABASE ${database}`);
  psql(
    database,
    `CREATE TABLE orders (id bigint PRIMARY KEY, customer text, note text, total numeric(12,2), placed timestamptz);
     INSERT INTO orders SELECT g, 'customer ' || (g % 50000), md5(g::text) || ' ' || repeat(md5((g * 7)::text), 2), (g % 100000) / 100.0,
       timestamptz '2026-01-01' + g * interval '1 second' FROM generate_series(1, ${rows}) g;
     CREATE INDEX ON orders (customer);
     CREATE TABLE complete ();`,
  );
  return database;
}

export async function run(ctx) {
  const pg = ctx.servers.postgres;
  const database = ensureDatabase(pg, ctx.scale, ctx.log);
  const password = join(ctx.scratch, 'pg-password');
  await writeFile(password, `${pg.password}\n`, { mode: 0o600 });
  const dumpOut = join(ctx.scratch, 'dump.pgdump');
  const stage = join(ctx.scratch, 'stage');
  const options = {
    host: pg.host,
    port: pg.port,
    user: pg.user,
    passwordFile: password,
    databases: [database],
    globals: false,
    binDir: pg.bin,
  };
  const [dump, ...pickup] = await ctx.compare([
    {
      label: 'pg_dump -Fc',
      prepare: () => ctx.clean(dumpOut),
      run: () =>
        ctx.measure(
          join(pg.bin, 'pg_dump'),
          ['-Fc', '-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-f', dumpOut, database],
          {
            env: { PGPASSWORD: pg.password },
          },
        ),
    },
    ...ctx.perNode({
      label: 'pickup postgres source',
      prepare: () => ctx.clean(stage),
      run: (node) =>
        ctx.node(
          'lib/source-stage.mjs',
          [join(ctx.repo, 'packages/source-postgres'), JSON.stringify(options), stage],
          node,
        ),
    }),
  ]);
  const size = (await stat(dumpOut)).size;
  return [
    { group: title, ...dump, outputBytes: size, reference: true },
    ...pickup.map((result) => ({ group: title, ...result, outputBytes: JSON.parse(result.last.stdout).bytes })),
  ];
}
