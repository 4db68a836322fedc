// needs: postgres
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_shop_${suffix}`;
const other = `pickup_other_${suffix}`;
const role = `pickup_reader_${suffix}`;

/** A database with what a dump must carry: schemas, unicode, a large object, sequences, a view, a function, a grant. */
function populate(pg: Postgres): void {
  pg.sql('postgres', `CREATE ROLE ${role} LOGIN`);
  pg.sql('postgres', `CREATE DATABASE ${db}`);
  pg.sql('postgres', `CREATE DATABASE ${other}`);
  pg.sql(other, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)');
  pg.sql(
    db,
    `CREATE SCHEMA sales;
     CREATE SCHEMA hr;
     CREATE TABLE sales.orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2), attachment oid);
     INSERT INTO sales.orders (customer, total) VALUES ('Zoë Ångström', 12.50), ('日本の顧客', 99.99), ('O''Brien', 0.01);
     UPDATE sales.orders SET attachment = lo_from_bytea(0, convert_to('a large object, 大きい', 'UTF8')) WHERE id = 1;
     CREATE SEQUENCE sales.invoice_no START 1000;
     SELECT setval('sales.invoice_no', 1234);
     CREATE VIEW sales.big_orders AS SELECT customer FROM sales.orders WHERE total > 10;
     CREATE FUNCTION sales.with_tax(numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT round($1 * 1.17, 2)';
     CREATE TABLE hr.people (name text);
     INSERT INTO hr.people SELECT 'person ' || g FROM generate_series(1, 500) g;
     GRANT USAGE ON SCHEMA sales TO ${role};
     GRANT SELECT ON sales.orders TO ${role};`,
  );
}

/** What must come back identical. */
function facts(pg: Postgres, database: string): Record<string, string> {
  return {
    orders: pg.sql(database, 'SELECT id, customer, total FROM sales.orders ORDER BY id'),
    people: pg.sql(database, 'SELECT count(*), min(name), max(name) FROM hr.people'),
    largeObject: pg.sql(database, "SELECT convert_from(lo_get(attachment), 'UTF8') FROM sales.orders WHERE id = 1"),
    sequence: pg.sql(database, 'SELECT last_value FROM sales.invoice_no'),
    serial: pg.sql(database, 'SELECT last_value FROM sales.orders_id_seq'),
    view: pg.sql(database, 'SELECT * FROM sales.big_orders ORDER BY 1'),
    function: pg.sql(database, 'SELECT sales.with_tax(100)'),
    grants: pg.sql(
      database,
      "SELECT grantee || ':' || privilege_type FROM information_schema.role_table_grants WHERE table_schema = 'sales' AND grantee LIKE 'pickup_reader_%' ORDER BY 1",
    ),
  };
}

/** A binDir whose pg_dump and pg_dumpall log their argv and environment, then run the real ones. */
async function spyingBinDir(project: Project, pg: Postgres): Promise<string> {
  const dir = project.path('spy-bin');
  await mkdir(dir);
  for (const name of ['pg_dump', 'pg_dumpall', 'pg_restore', 'psql']) {
    const script = `#!/bin/sh\nprintf '%s\\n' "$0 $*" >> "${project.path('argv.log')}"\nenv >> "${project.path('env.log')}"\nexec "${join(pg.bin, name)}" "$@"\n`;
    await writeFile(join(dir, name), script);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

describe('postgres source against a real PostgreSQL', () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    populate(pg);
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of [db, other, `${db}_restored`])
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    pg.sql('postgres', `DROP ROLE IF EXISTS ${role}`);
    await project.remove();
  });

  const source = (extra: Record<string, unknown> = {}) => ({
    name: 'pg',
    use: 'postgres',
    with: {
      host: pg.host,
      port: pg.port,
      user: pg.user,
      passwordFile: './pg-password',
      databases: [db, other],
      ...extra,
    },
  });
  const target = { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } };

  it('dumps each database and the roles, restores one into a new database equal to the original', async () => {
    const binDir = await spyingBinDir(project, pg);
    await project.writeConfig({ sources: [source({ binDir })], targets: [target] });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].files.map((file: { path: string }) => file.path).sort()).toEqual(
      [`pg/${db}.dump`, `pg/${other}.dump`, 'pg/globals.sql'].sort(),
    );
    expect(await readFile(project.path('backups', backup!, 'pg/globals.sql'), 'utf8')).toContain(`CREATE ROLE ${role}`);

    const restore = await pickup(['restore', '--source', 'pg', '--only', db, '--to', `${db}_restored`], {
      cwd: project.dir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(facts(pg, `${db}_restored`)).toEqual(facts(pg, db));
    expect(facts(pg, db).grants).toBe(`${role}:SELECT`);

    // The password reached the tools through a passfile, never their command line or PGPASSWORD.
    const argv = await readFile(project.path('argv.log'), 'utf8');
    expect(argv).toMatch(/pg_dump .*--dbname=pickup_shop_/);
    expect(argv).toMatch(/pg_restore /);
    expect(argv).not.toContain(pg.password);
    const env = await readFile(project.path('env.log'), 'utf8');
    expect(env).toMatch(/^PGPASSFILE=/m);
    expect(env).not.toContain(pg.password);
    const logs = await readFile(project.path('logs/current.log'), 'utf8');
    expect(logs).not.toContain(pg.password);
  });

  it('refuses to restore over a database that has tables, unless --force', async () => {
    await project.writeConfig({ sources: [source()], targets: [target] });
    if ((await completeBackups(project.path('backups'))).length === 0)
      expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const refused = await pickup(['restore', '--source', 'pg', '--only', db, '--to', db], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`database ${db} at 127\\.0\\.0\\.1:\\d+ as postgres already holds tables; .*--force`),
    );
    const which = await pickup(['restore', '--source', 'pg', '--to', 'x'], { cwd: project.dir });
    expect(which.code).toBe(2);
    expect(which.stderr).toMatch(
      /choose one database to restore with --only NAME \(this backup has: .*pickup_shop_.*, and globals for the roles\)/,
    );
  });

  it('a wrong password: the source fails with a message naming host, port, user and database, never the password', async () => {
    await writeFile(project.path('wrong-password'), 'not-the-password\n');
    await project.writeConfig({ sources: [source({ passwordFile: './wrong-password' })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:\d+ as postgres \(database postgres; password from passwordFile \.\/wrong-password\): password authentication failed/,
    );
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  });

  it('an unreachable host or port: a clear error, nothing pushed', async () => {
    await project.writeConfig({
      sources: [source({ port: 1 })],
      targets: [{ ...target, with: { path: './unreachable', createPath: true } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot connect to PostgreSQL at 127\.0\.0\.1:1 as postgres \(database postgres; password from passwordFile \.\/pg-password\): .*ECONNREFUSED/,
    );
    expect(await completeBackups(project.path('unreachable'))).toEqual([]);
  });

  it('a named database that does not exist: a warning, the others dumped', async () => {
    await project.writeConfig({ sources: [source({ databases: [db, 'no_such_db'] })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /warning: source pg: database no_such_db does not exist at 127\.0\.0\.1:\d+ as postgres; the others are dumped/,
    );
    const backups = (await completeBackups(project.path('backups'))).sort();
    const manifest = JSON.parse(await readFile(project.path('backups', backups.at(-1)!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].status).toBe('partial');
    expect(manifest.sources[0].files.map((file: { path: string }) => file.path)).toContain(`pg/${db}.dump`);
  });

  it('no pg_dump on the machine: a clear error naming binDir', async () => {
    await mkdir(project.path('empty-bin'), { recursive: true });
    await project.writeConfig({ sources: [source({ binDir: './empty-bin' })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /sources\[0\]\.with\.binDir: no pg_dump in .*empty-bin; install postgresql-client or set binDir/,
    );
  });

  it('a pg_dump older than the server: a clear error saying which version is needed', async () => {
    const dir = project.path('old-bin');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
    await project.writeConfig({ sources: [source({ binDir: './old-bin' })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /sources\[0\]\.with\.binDir: \S+old-bin\/pg_dump is version 9, older than the server \(1\d\); install postgresql-client-1\d or set binDir to its bin folder/,
    );
  });

  it('a database dropped between listing and dumping: that one fails, the others are dumped', async () => {
    const doomed = `pickup_doomed_${suffix}`;
    pg.sql('postgres', `CREATE DATABASE ${doomed}`);
    const dir = project.path('dropping-bin');
    await mkdir(dir, { recursive: true });
    for (const name of ['pg_dumpall']) {
      await writeFile(join(dir, name), `#!/bin/sh\nexec "${join(pg.bin, name)}" "$@"\n`, { mode: 0o755 });
    }
    // pg_dump drops the doomed database just before dumping it, as another admin might (WITH (FORCE): Pickup holds a
    // connection to it, whose snapshot pg_dump dumps in).
    await writeFile(
      join(dir, 'pg_dump'),
      `#!/bin/sh\ncase "$*" in *--dbname=${doomed}*) PGPASSWORD='${pg.password}' "${join(pg.bin, 'psql')}" -h ${pg.host} -p ${pg.port} -U ${pg.user} -d postgres -qc 'DROP DATABASE ${doomed} WITH (FORCE)' >/dev/null;; esac\nexec "${join(pg.bin, 'pg_dump')}" "$@"\n`,
      { mode: 0o755 },
    );
    await project.writeConfig({
      sources: [source({ binDir: './dropping-bin', databases: [db, doomed, other] })],
      targets: [target],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `warning: source pg: database ${doomed} at 127\\.0\\.0\\.1:\\d+ as postgres: pg_dump exited with code 1: .*does not exist`,
      ),
    );
    const backups = (await completeBackups(project.path('backups'))).sort();
    const manifest = JSON.parse(await readFile(project.path('backups', backups.at(-1)!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].files.map((file: { path: string }) => file.path).sort()).toEqual(
      [`pg/${db}.dump`, `pg/${other}.dump`, 'pg/globals.sql'].sort(),
    );
  });
});
