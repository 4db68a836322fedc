// needs: mariadb
import { randomBytes } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { mariadb, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_def_${suffix}`;
const copy = `pickup_def_${suffix}-copy`;
const half = `pickup_def_${suffix}-half`;
const old = `pickup_def_${suffix}-old`;

/**
 * A utf8mb4_unicode_ci database with a comment on a latin1 server, whose older routine, trigger and event
 * were made while it was latin1: their dump switches the database's collation around them.
 */
function populate(my: Mariadb): void {
  my.sql(`CREATE DATABASE ${db} CHARACTER SET latin1`);
  my.sql(
    `CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100) CHARACTER SET utf8mb4) ENGINE=InnoDB;
     INSERT INTO notes VALUES (1, 'Zoë 🍕'), (2, '日本');
     CREATE PROCEDURE old_proc() SELECT COUNT(*) FROM notes;
     CREATE TRIGGER notes_check BEFORE INSERT ON notes FOR EACH ROW SET NEW.body = TRIM(NEW.body);
     CREATE EVENT old_event ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM notes WHERE id < 0;
     ALTER DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci COMMENT 'shop notes, it''s ours';
     CREATE PROCEDURE new_proc() SELECT body FROM notes;`,
    db,
  );
}

const quoted = (name: string) => `\`${name.replaceAll('`', '``')}\``;
const literal = (name: string) => `'${name.replaceAll("'", "''")}'`;

/** Everything that says what a database is, its name aside. */
function definition(my: Mariadb, database: string): Record<string, string> {
  const column = (sql: string, fields: number[]) =>
    my
      .sql(sql)
      .split('\n')
      .map((line) => fields.map((field) => line.split('\t')[field]).join(' '))
      .sort()
      .join('\n');
  return {
    create: my
      .sql(`SHOW CREATE DATABASE ${quoted(database)}`)
      .split('\t')[1]!
      .replace(quoted(database), '`NAME`'),
    schemata: my.sql(
      'SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME, SCHEMA_COMMENT FROM information_schema.SCHEMATA ' +
        `WHERE SCHEMA_NAME = ${literal(database)}`,
    ),
    // Name, character_set_client, collation_connection, Database Collation
    procedures: column(`SHOW PROCEDURE STATUS WHERE Db = ${literal(database)}`, [1, 8, 9, 10]),
    triggers: my.sql(
      `SELECT TRIGGER_NAME, DATABASE_COLLATION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ${literal(database)}`,
    ),
    events: my.sql(
      `SELECT EVENT_NAME, DATABASE_COLLATION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ${literal(database)}`,
    ),
    rows: my.sql('SELECT id, body FROM notes ORDER BY id', database),
  };
}

const exists = (my: Mariadb, database: string) =>
  my.sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ${literal(database)}`) === '1';

describe('mysql restore: a restored database is the original database', () => {
  let my: Mariadb;
  let project: Project;
  let original: Record<string, string>;

  beforeAll(async () => {
    my = mariadb();
    populate(my);
    original = definition(my, db);
    project = await makeProject();
    await writeFile(project.path('my-password'), `${my.password}\n`, { mode: 0o600 });
    await project.writeConfig({
      sources: [
        {
          name: 'my',
          use: 'mysql',
          with: { host: my.host, port: my.port, user: my.user, passwordFile: './my-password', databases: [db] },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  afterAll(async () => {
    for (const name of [db, copy, half, old]) my.sql(`DROP DATABASE IF EXISTS ${quoted(name)}`);
    await project.remove();
  });

  it('restored under a new name: the same character set, collation, comment, and routine, trigger and event collations', async () => {
    // The original differs from the server's defaults, and its dump switches collations.
    expect(my.sql('SELECT @@character_set_server, @@collation_server')).toBe('latin1\tlatin1_swedish_ci');
    expect(original.schemata).toBe("utf8mb4\tutf8mb4_unicode_ci\tshop notes, it's ours");
    expect(original.procedures).toMatch(/old_proc .* latin1_swedish_ci/);
    expect(original.procedures).toMatch(/new_proc .* utf8mb4_unicode_ci/);

    const restore = await pickup(['restore', '--source', 'my', '--to', copy], { cwd: project.dir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(definition(my, copy)).toEqual(original);
    expect(definition(my, db)).toEqual(original);
  });

  it('a restore that fails after a collation switch leaves the original database as it was, and no new database', async () => {
    // A client that runs the real one on the dump with a failing statement right after its first collation switch.
    const client = project.path('failing-client');
    await writeFile(
      client,
      `#!/bin/sh\nawk '{ print } /^ALTER DATABASE / && !done { print "SELECT no_such_column FROM no_such_table ;;"; done = 1 }' | mariadb "$@"\n`,
    );
    await chmod(client, 0o755);
    const config = await readFile(project.path('pickup.config.ts'), 'utf8');
    await writeFile(
      project.path('failing.config.ts'),
      config.replace('"databases"', `"client": ${JSON.stringify(client)}, "databases"`),
    );
    const restore = await pickup(['restore', '--config', 'failing.config.ts', '--source', 'my', '--to', half], {
      cwd: project.dir,
    });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(
      new RegExp(
        `restoring into database ${half} at 127\\.0\\.0\\.1:\\d+ as pickup failed: .*no_such_table.*; ` +
          `database ${half}, created for this restore, was dropped again`,
      ),
    );
    expect(exists(my, half)).toBe(false);
    expect(definition(my, db)).toEqual(original);
  });

  it('a backup without the definition (made by an older version) restores with the server defaults, and says so', async () => {
    const [backup] = await completeBackups(project.path('backups'));
    const manifestFile = project.path('backups', backup!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    const files: { path: string }[] = manifest.sources[0].files;
    const sidecar = files.find((file) => file.path.startsWith('my/properties/'));
    expect(sidecar?.path).toBe(`my/properties/${db}.sql`);
    manifest.sources[0].files = files.filter((file) => file !== sidecar);
    await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
    await rm(project.path('backups', backup!, sidecar!.path));

    const restore = await pickup(['restore', '--source', 'my', '--to', old], { cwd: project.dir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(
      new RegExp(
        `the backup does not hold the definition of database ${db} \\(it was made by an older version\\): ` +
          `database ${old} was created with the server's default character set and collation`,
      ),
    );
    // Created with the server's defaults, without the comment; the dump's own collation switches may change it since.
    expect(definition(my, old).create).not.toMatch(/COMMENT/);
    expect(definition(my, old).rows).toBe(original.rows);
  });
});
