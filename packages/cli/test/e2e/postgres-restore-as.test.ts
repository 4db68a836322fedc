// needs: postgres
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_as_${suffix}`;
const backupRole = `pickup_as_backup_${suffix}`;
const owner = `pickup_as_owner_${suffix}`;
const auditor = `pickup_as_auditor_${suffix}`;
/** May create databases, and nothing else: not a member of the roles that own the dump's objects. */
const creator = `pickup_as_creator_${suffix}`;
const password = (role: string) => `${role}-${suffix}-pw`;

/** What a restore must give back: rows, who owns what, the database's owner, grants and comment. */
function facts(pg: Postgres, database: string): Record<string, string> {
  return {
    rows:
      pg.sql(database, 'SELECT id, name FROM shop.items ORDER BY id') +
      pg.sql(database, 'SELECT count(*) FROM shop.audit'),
    owners: pg.sql(
      database,
      "SELECT relname || ':' || pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'shop'::regnamespace ORDER BY 1",
    ),
    database: pg.sql(
      'postgres',
      `SELECT pg_get_userbyid(datdba), datacl, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '${database}'`,
    ),
  };
}

const exists = (pg: Postgres, database: string) =>
  pg.sql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${database}'`) === '1';

describe('postgres restore as another user (--as)', () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    pg.sql(
      'postgres',
      `CREATE ROLE ${backupRole} LOGIN PASSWORD '${password(backupRole)}'; GRANT pg_read_all_data TO ${backupRole}`,
    );
    pg.sql(
      'postgres',
      `CREATE ROLE ${owner}; CREATE ROLE ${auditor}; CREATE ROLE ${creator} LOGIN CREATEDB PASSWORD '${password(creator)}'`,
    );
    pg.sql('postgres', `CREATE DATABASE ${db} OWNER ${owner}`);
    pg.sql(
      'postgres',
      `COMMENT ON DATABASE ${db} IS 'the shop'; REVOKE ALL ON DATABASE ${db} FROM PUBLIC; GRANT CONNECT ON DATABASE ${db} TO ${backupRole}`,
    );
    pg.sql(
      db,
      `CREATE SCHEMA shop AUTHORIZATION ${owner};
       CREATE TABLE shop.items (id int PRIMARY KEY, name text); INSERT INTO shop.items VALUES (1, 'Zoë'), (2, 'O''Brien');
       CREATE TABLE shop.audit (at timestamptz DEFAULT now()); INSERT INTO shop.audit DEFAULT VALUES;
       ALTER TABLE shop.items OWNER TO ${owner}; ALTER TABLE shop.audit OWNER TO ${auditor};`,
    );
    project = await makeProject();
    await writeFile(project.path('backup-password'), `${password(backupRole)}\n`, { mode: 0o600 });
    await writeFile(project.path('admin-password'), `${pg.password}\n`, { mode: 0o600 });
    await writeFile(project.path('creator-password'), `${password(creator)}\n`, { mode: 0o600 });
    await writeFile(project.path('wrong-password'), 'not-the-admin-password\n', { mode: 0o600 });
    await project.writeConfig({
      sources: [
        {
          name: 'pg',
          use: 'postgres',
          with: { host: pg.host, port: pg.port, user: backupRole, passwordFile: './backup-password', databases: [db] },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  afterAll(async () => {
    for (const name of [db, `${db}_restored`, `${db}_failed`, `${db}_existing`])
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const role of [backupRole, creator, owner, auditor]) pg.sql('postgres', `DROP ROLE IF EXISTS ${role}`);
    await project.remove();
  });

  const restore = (to: string, ...extra: string[]) =>
    pickup(['restore', '--source', 'pg', '--only', db, '--to', to, ...extra], { cwd: project.dir });
  const at = (user: string) => `at ${pg.host}:${pg.port} as ${user}`;

  it('the backup role may not create the database: a clear error; as an admin, the database equals the original', async () => {
    const to = `${db}_restored`;
    const refused = await restore(to);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`creating database ${to} ${at(backupRole)} failed: `);
    expect(refused.stderr).toMatch(
      /ERROR: +permission denied to create database; restore as a user that may create the database and own its objects, .*--as USER --password-file FILE\)/,
    );
    expect(refused.stderr).toContain(`; database ${to} was not created`);
    expect(exists(pg, to)).toBe(false);

    const restored = await restore(to, '--as', pg.user, '--password-file', './admin-password');
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`restored into database ${to} ${at(pg.user)}`);
    expect(facts(pg, to)).toEqual(facts(pg, db));
    expect(facts(pg, db).database).toBe(`${owner}|{${owner}=CTc/${owner},${backupRole}=c/${owner}}|the shop`);
  });

  it('a restore that fails midway leaves no new database behind, and says so', async () => {
    const to = `${db}_failed`;
    // Not a member of the owner: setting the database's owner fails, right after creating it.
    const asCreator = ['--as', creator, '--password-file', './creator-password'];
    const owning = await restore(to, ...asCreator);
    expect(owning.code).toBe(1);
    expect(owning.stderr).toContain(`creating database ${to} ${at(creator)} failed: `);
    expect(owning.stderr).toMatch(
      new RegExp(
        `must be member of role "${owner}"; restore as a user that may .*; the new database ${to} was removed again`,
      ),
    );
    expect(exists(pg, to)).toBe(false);

    // A member of the owner, but not of the audit table's owner: pg_restore fails after creating some tables.
    pg.sql('postgres', `GRANT ${owner} TO ${creator}`);
    const contents = await restore(to, ...asCreator);
    expect(contents.code).toBe(1);
    expect(contents.stderr).toMatch(
      new RegExp(
        `restoring into database ${to} ${at(creator)} failed: pg_restore exited with code 1: .*must be member of role "${auditor}".*; ` +
          `the new database ${to} was removed again`,
      ),
    );
    expect(exists(pg, to)).toBe(false);
  });

  it('into an existing database with --force, a failure says what may have changed', async () => {
    const to = `${db}_existing`;
    pg.sql('postgres', `CREATE DATABASE ${to}`);
    pg.sql(to, 'CREATE SCHEMA shop; CREATE TABLE shop.items (id int); INSERT INTO shop.items VALUES (42)');
    const result = await restore(to, '--force', '--as', creator, '--password-file', './creator-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `restoring into database ${to} ${at(creator)} failed: pg_restore exited with code 1: .*(permission denied for schema shop|must be owner of)`,
      ),
    );
    expect(result.stderr).toContain(
      `database ${to} existed before: with --force the dump's objects are dropped from it and created again, so it may have lost`,
    );
    expect(exists(pg, to)).toBe(true);
  });

  it('a wrong --password-file: the error says where the password came from', async () => {
    const result = await restore(`${db}_restored`, '--force', '--as', pg.user, '--password-file', './wrong-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `cannot connect to PostgreSQL ${at(pg.user)} \\(database postgres; password from --password-file \\./wrong-password\\): password authentication`,
      ),
    );
    expect(result.stderr).not.toContain('not-the-admin-password');
  });
});
