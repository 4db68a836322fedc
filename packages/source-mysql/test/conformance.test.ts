// needs: mariadb
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeSource } from '@pickup/testkit';
import { mariadb } from '../../../test/servers.js';
import mysqlSource from '../src/index.js';

const my = mariadb();
const contents = (database: string) =>
  my.sql('SELECT id, name FROM people ORDER BY id', database) +
  my.sql('CHECKSUM TABLE people', database).split('\t')[1];

/** A new database of three people; its name. */
function peopleDatabase(): string {
  const db = `pickup_kit_${randomBytes(4).toString('hex')}`;
  my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
  my.sql(
    "CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB; INSERT INTO people (name) VALUES ('Zoë'), ('日本'), ('O''Brien')",
    db,
  );
  return db;
}

const drop = (...databases: string[]) =>
  void my.sql(databases.map((name) => `DROP DATABASE IF EXISTS ${name};`).join(' '));

async function passwordFile(workDir: string, password = my.password): Promise<string> {
  await writeFile(join(workDir, 'password'), `${password}\n`, { mode: 0o600 });
  return 'password';
}

const server = () => ({ host: my.host, port: my.port, user: my.user });

/** For the drill tests: whether a (scratch) database is on the server. */
const scratchExists = (name: string) =>
  my.sql(`SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '${name}'`) === '1';

describeSource(mysqlSource, {
  name: 'db',
  async setup(workDir) {
    const db = peopleDatabase();
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [db] },
      secrets: [my.password],
      restore: { to: `${db}_restored`, verify: (to) => expect(contents(to)).toBe(contents(db)) },
      fingerprint: () => contents(db),
      change: () => void my.sql("INSERT INTO people (name) VALUES ('Ada')", db),
      scratchExists,
      cleanup: () => drop(db, `${db}_restored`),
    };
  },
  async broken(workDir) {
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir, 'not-the-Pa55word'), databases: ['mysql'] },
      secrets: [my.password, 'not-the-Pa55word'],
    };
  },
  // A small database, then one of 400,000 rows (about a second of dump and gzip): the abort comes in the second.
  async slow(workDir) {
    const small = peopleDatabase();
    const big = `${small}_big`;
    my.sql(`CREATE DATABASE ${big}`);
    my.sql('CREATE TABLE rows_ (id INT PRIMARY KEY, a VARCHAR(64), b VARCHAR(64)) ENGINE=InnoDB', big);
    my.sql('INSERT INTO rows_ SELECT seq, MD5(seq), MD5(seq * 7) FROM seq_1_to_400000', big);
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [small, big] },
      secrets: [my.password],
      fingerprint: () => contents(small) + my.sql('CHECKSUM TABLE rows_', big).split('\t')[1],
      scratchExists,
      cleanup: () => drop(small, big),
    };
  },
  // One of the two databases named is not there: the other is backed up, with a warning.
  async partial(workDir) {
    const db = peopleDatabase();
    return {
      options: { ...server(), passwordFile: await passwordFile(workDir), databases: [db, `${db}_missing`] },
      secrets: [my.password],
      cleanup: () => drop(db),
    };
  },
});
