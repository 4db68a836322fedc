// needs: postgres
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeSource } from '@pickup/testkit';
import { postgres } from '../../../test/servers.js';
import postgresSource from '../src/index.js';

const pg = postgres();
const contents = (database: string) =>
  pg.sql(database, 'SELECT id, name FROM people ORDER BY id') +
  pg.sql(database, 'SELECT last_value FROM people_id_seq');

/** A new database of three people; its name. */
function peopleDatabase(): string {
  const db = `pickup_kit_${randomBytes(4).toString('hex')}`;
  pg.sql('postgres', `CREATE DATABASE ${db}`);
  pg.sql(
    db,
    "CREATE TABLE people (id serial PRIMARY KEY, name text); INSERT INTO people (name) VALUES ('Zoë'), ('日本'), ('O''Brien')",
  );
  return db;
}

const drop = (...databases: string[]) => {
  for (const name of databases) pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
};

async function passwordFile(workDir: string, password = pg.password): Promise<string> {
  await writeFile(join(workDir, 'password'), `${password}\n`, { mode: 0o600 });
  return 'password';
}

const server = () => ({ host: pg.host, port: pg.port, user: pg.user });
/** Whether a database of this name is on the server (a drill's scratch database must be gone after it). */
const databaseExists = (name: string) =>
  pg.sql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}'`) === '1';

describeSource(postgresSource, {
  name: 'db',
  async setup(workDir) {
    const db = peopleDatabase();
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [db] },
      secrets: [pg.password],
      restore: { to: `${db}_restored`, verify: (to) => expect(contents(to)).toBe(contents(db)) },
      fingerprint: () => contents(db),
      change: () => void pg.sql(db, "INSERT INTO people (name) VALUES ('Ngũgĩ')"),
      scratchExists: databaseExists,
      cleanup: () => drop(db, `${db}_restored`),
    };
  },
  async broken(workDir) {
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir, 'not-the-Pa55word'), databases: ['postgres'] },
      secrets: [pg.password, 'not-the-Pa55word'],
    };
  },
  // A small database, then one of 400,000 rows (about a second of pg_dump): the abort comes in the second.
  async slow(workDir) {
    const small = peopleDatabase();
    const big = `${small}_big`;
    pg.sql('postgres', `CREATE DATABASE ${big}`);
    pg.sql(big, 'CREATE TABLE rows (id int PRIMARY KEY, a text, b text)');
    pg.sql(
      big,
      'INSERT INTO rows SELECT i, md5(i::text), md5((i * 7)::text) || md5(i::text) FROM generate_series(1, 400000) i',
    );
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [small, big] },
      secrets: [pg.password],
      fingerprint: () =>
        contents(small) + pg.sql(big, "SELECT count(*), md5(string_agg(a || b, ',' ORDER BY id)) FROM rows"),
      scratchExists: databaseExists,
      cleanup: () => drop(small, big),
    };
  },
  // One of the two databases named is not there: the other is backed up, with a warning.
  async partial(workDir) {
    const db = peopleDatabase();
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [db, `${db}_missing`] },
      secrets: [pg.password],
      cleanup: () => drop(db),
    };
  },
});
