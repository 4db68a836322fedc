import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeSource } from '@pickup/testkit';
import { postgres } from '../../../test/servers.js';
import source from '../src/index.js';

const pg = postgres();
const contents = (database: string) => pg.sql(database, 'SELECT id, name FROM people ORDER BY id') + pg.sql(database, 'SELECT last_value FROM people_id_seq');

describeSource(source, {
  name: 'db',
  async setup(workDir) {
    const db = `pickup_kit_${randomBytes(4).toString('hex')}`;
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    pg.sql(db, "CREATE TABLE people (id serial PRIMARY KEY, name text); INSERT INTO people (name) VALUES ('Zoë'), ('日本'), ('O''Brien')");
    await writeFile(join(workDir, 'password'), `${pg.password}\n`, { mode: 0o600 });
    return {
      options: { host: pg.host, port: pg.port, user: pg.user, passwordFile: 'password', databases: [db] },
      secrets: [pg.password],
      restore: { to: `${db}_restored`, verify: (to) => expect(contents(to)).toBe(contents(db)) },
      cleanup() {
        for (const name of [db, `${db}_restored`]) pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  },
  async broken(workDir) {
    await writeFile(join(workDir, 'password'), 'not-the-Pa55word\n', { mode: 0o600 });
    return {
      options: { host: pg.host, port: pg.port, user: pg.user, passwordFile: 'password', databases: ['postgres'] },
      secrets: [pg.password, 'not-the-Pa55word'],
    };
  },
});
