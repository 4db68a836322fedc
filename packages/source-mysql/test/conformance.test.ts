import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeSource } from '@pickup/testkit';
import { mariadb } from '../../../test/servers.js';
import source from '../src/index.js';

const my = mariadb();
const contents = (database: string) => my.sql('SELECT id, name FROM people ORDER BY id', database) + my.sql('CHECKSUM TABLE people', database).split('\t')[1];

describeSource(source, {
  name: 'db',
  async setup(workDir) {
    const db = `pickup_kit_${randomBytes(4).toString('hex')}`;
    my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4`);
    my.sql("CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB; INSERT INTO people (name) VALUES ('Zoë'), ('日本'), ('O''Brien')", db);
    await writeFile(join(workDir, 'password'), `${my.password}\n`, { mode: 0o600 });
    return {
      options: { host: my.host, port: my.port, user: my.user, passwordFile: 'password', databases: [db] },
      secrets: [my.password],
      restore: { to: `${db}_restored`, verify: (to) => expect(contents(to)).toBe(contents(db)) },
      cleanup: () => void my.sql(`DROP DATABASE IF EXISTS ${db}; DROP DATABASE IF EXISTS ${db}_restored`),
    };
  },
  async broken(workDir) {
    await writeFile(join(workDir, 'password'), 'not-the-Pa55word\n', { mode: 0o600 });
    return {
      options: { host: my.host, port: my.port, user: my.user, passwordFile: 'password', databases: ['mysql'] },
      secrets: [my.password, 'not-the-Pa55word'],
    };
  },
});
