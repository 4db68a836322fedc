// needs: mariadb
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { mariadb, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_raw_${suffix}`;
const restoredName = (label: string) => `${db}_${label}`;

function populate(my: Mariadb): void {
  my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  my.sql(
    `CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(100), photo BLOB, total DECIMAL(10,2)) ENGINE=InnoDB;
     INSERT INTO orders VALUES (1, 'Zoë 🍕', UNHEX('00FF10E2808B7F80'), 12.50), (2, '日本の顧客', RANDOM_BYTES(512), 99.99), (3, 'O''Brien', NULL, 0.01);
     CREATE VIEW big_orders AS SELECT customer FROM orders WHERE total > 10;`,
    db,
  );
}

function facts(my: Mariadb, database: string): Record<string, string> {
  return {
    schemata: my.sql(
      `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}'`,
    ),
    rows: my.sql('SELECT id, customer, HEX(photo), total FROM orders ORDER BY id', database),
    checksum: my.sql('CHECKSUM TABLE orders', database).replaceAll(`${database}.`, ''),
    view: my.sql('SELECT * FROM big_orders ORDER BY 1', database),
  };
}

describe("mysql source, compression: 'none'", () => {
  let my: Mariadb;
  let project: Project;

  beforeAll(async () => {
    my = mariadb();
    populate(my);
    project = await makeProject();
    await writeFile(project.path('my-password'), `${my.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const name of [db, restoredName('raw'), restoredName('gz_now_raw'), restoredName('raw_now_gz')]) {
      my.sql(`DROP DATABASE IF EXISTS \`${name}\``);
    }
    await project.remove();
  });

  const configure = (compression: 'gzip' | 'none') =>
    project.writeConfig({
      sources: [
        {
          name: 'my',
          use: 'mysql',
          with: {
            host: my.host,
            port: my.port,
            user: my.user,
            passwordFile: './my-password',
            databases: [db],
            users: true,
            compression,
          },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  const run = async () => {
    const result = await pickup([], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (await completeBackups(project.path('backups'))).sort().at(-1)!;
  };
  const restore = async (backup: string, to: string) => {
    const result = await pickup(['restore', backup, '--source', 'my', '--only', db, '--to', to], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(facts(my, to)).toEqual(facts(my, db));
  };
  let uncompressed: string;
  let gzipped: string;

  it('stages <db>.sql as the dump tool wrote it, beside its definition and users.sql, and restores it row for row', async () => {
    await configure('none');
    uncompressed = await run();
    const manifest = JSON.parse(await readFile(project.path('backups', uncompressed, 'manifest.json'), 'utf8'));
    const paths = manifest.sources[0].files.map((file: { path: string }) => file.path).sort();
    expect(paths).toEqual([`my/${db}.sql`, `my/properties/${db}.sql`, 'my/users.sql']);
    const dump = await readFile(project.path('backups', uncompressed, `my/${db}.sql`), 'utf8');
    expect(dump).toMatch(/^-- (MariaDB|MySQL) dump/m);
    expect(dump).toContain('CREATE TABLE `orders`');
    expect(dump).toMatch(/INSERT INTO `orders` VALUES\s*\(1,'Zoë 🍕',0x00FF10E2808B7F80,12\.50\)/);
    await restore(uncompressed, restoredName('raw'));
    expect(facts(my, db).rows).toMatch(/🍕/);
  });

  it('restores a backup of either kind, whatever the option says now', async () => {
    await configure('gzip');
    gzipped = await run();
    const bytes = await readFile(project.path('backups', gzipped, `my/${db}.sql.gz`));
    expect([...bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    await restore(uncompressed, restoredName('raw_now_gz'));
    await configure('none');
    await restore(gzipped, restoredName('gz_now_raw'));
  });
});
