// needs: postgres
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
/** Names that pg_dump must quote (a space, capitals, both kinds of quotes) and that libpq would take for a connection string (`=`). */
const db = `Pickup's "Props" = ${suffix}`;
const owner = `pickup_props_owner_${suffix}`;
const reader = `pickup_props_reader_${suffix}`;
const restoredName = (label: string) => `Restored "${label}" =${suffix}`;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** A database name as psql -d takes it when it holds a `=`. */
const conninfo = (name: string) => `dbname='${name.replace(/['\\]/g, '\\$&')}'`;

/** What makes a database what it is, beyond its contents; `pickup restore` must carry all of it over. */
function properties(pg: Postgres, name: string): Record<string, string> {
  const where = `datname = ${literal(name)}`;
  return {
    database: pg.sql(
      'postgres',
      'SELECT pg_encoding_to_char(encoding), datcollate, datctype, datlocprovider, daticulocale, pg_get_userbyid(datdba), datacl, datconnlimit ' +
        `FROM pg_database WHERE ${where}`,
    ),
    settings: pg.sql(
      'postgres',
      "SELECT coalesce(r.rolname, '(all)') || ': ' || array_to_string(s.setconfig, ', ') FROM pg_db_role_setting s " +
        `JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole WHERE d.${where} ORDER BY 1`,
    ),
    comment: pg.sql('postgres', `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE ${where}`),
  };
}

/** The rows, as UTF-8 whatever the database's encoding (psql talks to a LATIN1 database in LATIN1), and the table's owner. */
const contents = (pg: Postgres, name: string) =>
  pg.sql(
    conninfo(name),
    "SELECT id, encode(convert_to(word, 'UTF8'), 'hex'), pg_get_userbyid(relowner) FROM words, pg_class WHERE relname = 'words' ORDER BY id",
  );

describe('postgres restore: a restored database has the properties of the original', () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    pg.sql('postgres', `CREATE ROLE ${owner}`);
    pg.sql('postgres', `CREATE ROLE ${reader}`);
    pg.sql(
      'postgres',
      `CREATE DATABASE ${ident(db)} WITH TEMPLATE template0 ENCODING 'LATIN1' LOCALE 'C' OWNER ${owner} CONNECTION LIMIT 17`,
    );
    for (const statement of [
      `COMMENT ON DATABASE ${ident(db)} IS 'Café''s books; ALTER DATABASE ${ident(db).replace(/'/g, "''")} SET x TO 1;\nsecond line'`,
      `ALTER DATABASE ${ident(db)} SET work_mem TO '7MB'`,
      `ALTER ROLE ${reader} IN DATABASE ${ident(db)} SET search_path TO shop, public`,
      `REVOKE ALL ON DATABASE ${ident(db)} FROM PUBLIC`,
      `GRANT CONNECT, TEMPORARY ON DATABASE ${ident(db)} TO ${reader}`,
    ]) {
      pg.sql('postgres', statement);
    }
    pg.sql(
      conninfo(db),
      `CREATE TABLE words (id int PRIMARY KEY, word text); ALTER TABLE words OWNER TO ${owner};
       INSERT INTO words VALUES (1, U&'Zo\\00EB'), (2, U&'\\00C5ngstr\\00F6m');`,
    );
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of [db, restoredName('custom'), restoredName('plain'), restoredName('old')]) {
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    }
    for (const role of [owner, reader]) pg.sql('postgres', `DROP ROLE IF EXISTS ${role}`);
    await project.remove();
  });

  const config = (format: string, target: string) => ({
    sources: [
      {
        name: 'pg',
        use: 'postgres',
        with: { host: pg.host, port: pg.port, user: pg.user, passwordFile: './pg-password', databases: [db], format },
      },
    ],
    targets: [{ name: 'disk', use: 'folder', with: { path: `./${target}`, createPath: true } }],
  });
  const restore = (to: string, only = db) =>
    pickup(['restore', '--source', 'pg', '--only', only, '--to', to], { cwd: project.dir });

  it.each([
    ['custom', ['pg/Pickup%27s%20%22Props%22%20%3D%20SUFFIX.dump', 'pg/globals.sql']],
    [
      'plain',
      [
        'pg/Pickup%27s%20%22Props%22%20%3D%20SUFFIX.sql',
        'pg/globals.sql',
        'pg/properties/Pickup%27s%20%22Props%22%20%3D%20SUFFIX.dump',
      ],
    ],
  ])(
    '%s format: encoding, locale, owner, settings, grants and comment come back under the new name',
    async (format, files) => {
      await project.writeConfig(config(format, format));
      const run = await pickup([], { cwd: project.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [backup] = await completeBackups(project.path(format));
      const manifest = JSON.parse(await readFile(project.path(format, backup!, 'manifest.json'), 'utf8'));
      expect(manifest.sources[0].files.map((file: { path: string }) => file.path).sort()).toEqual(
        files.map((file) => file.replace('SUFFIX', suffix)).sort(),
      );

      if (format === 'plain') {
        // The properties' file is no database: the backup lists one database.
        const which = await pickup(['restore', '--source', 'pg', '--to', 'x', '--only', 'nope'], { cwd: project.dir });
        expect(which.code).toBe(2);
        expect(which.stderr).toContain(`--only nope: no such database in this backup (it has: ${db})`);
      }

      const to = restoredName(format);
      const restored = await restore(to);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain(
        `created database ${to} at ${pg.host}:${pg.port} as ${pg.user} with the encoding, locale and owner of database ${db}`,
      );
      expect(properties(pg, to)).toEqual(properties(pg, db));
      expect(contents(pg, to)).toBe(contents(pg, db));
      expect(contents(pg, db)).toContain(`2|${Buffer.from('Ångström').toString('hex')}|${owner}`);
      // What is compared is what was set up, not defaults on both sides.
      expect(properties(pg, db)).toEqual({
        database: `LATIN1|C|C|c||${owner}|{${owner}=CTc/${owner},${reader}=Tc/${owner}}|17`,
        settings: `(all): work_mem=7MB\n${reader}: search_path=shop, public`,
        comment: `Café's books; ALTER DATABASE ${ident(db)} SET x TO 1;\nsecond line`,
      });
    },
  );

  it('a plain backup made before the properties were kept still restores, with the server defaults, and says so', async () => {
    const [backup] = await completeBackups(project.path('plain'));
    const manifestFile = project.path('plain', backup!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.sources[0].files = manifest.sources[0].files.filter(
      (file: { path: string }) => !file.path.startsWith('pg/properties/'),
    );
    await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
    await rm(project.path('plain', backup!, 'pg/properties'), { recursive: true });

    await project.writeConfig(config('plain', 'plain'));
    const to = restoredName('old');
    const restored = await restore(to);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(
      `created database ${to} at ${pg.host}:${pg.port} as ${pg.user} with the server's defaults: the backup holds no encoding`,
    );
    expect(contents(pg, to)).toBe(contents(pg, db));
    expect(properties(pg, to).database).toMatch(new RegExp(`^UTF8\\|.*\\|${pg.user}\\|\\|-1$`));
  });
});
