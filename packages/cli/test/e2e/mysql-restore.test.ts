// needs: mariadb
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { mariadb, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_rs_${suffix}`;
const restored = `${db}_restored`;
const half = `${db}_half`;
const existing = `${db}_existing`;
/** The least-privilege backup account of docs/sources/mysql.md. */
const backupUser = `pickup_bk_${suffix}`;
/** An account with the rights docs/sources/mysql.md gives for restoring into `restored`. */
const restorer = `pickup_rr_${suffix}`;
/** The same without SET USER: it cannot create objects whose DEFINER is root, so its restores fail midway. */
const weak = `pickup_rw_${suffix}`;
const random = () => randomBytes(8).toString('hex');
const passwords = { backup: `bk-${random()}`, restorer: `rr-${random()}`, weak: `rw-${random()}` };

/** A database made by root: every view, routine, trigger and event has DEFINER root@localhost. */
function populate(my: Mariadb): void {
  my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  my.sql(
    `CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(100), total DECIMAL(10,2)) ENGINE=InnoDB;
     CREATE TABLE audit (order_id INT) ENGINE=InnoDB;
     INSERT INTO orders VALUES (1, 'Zoë 🍕', 12.50), (2, '日本の顧客', 99.99), (3, 'O''Brien', 0.01);
     CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit VALUES (NEW.id);
     CREATE PROCEDURE add_order(IN who VARCHAR(100)) INSERT INTO orders VALUES (100, who, 1.00);
     CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;
     CREATE VIEW big_orders AS SELECT customer FROM orders WHERE total > 10;`,
    db,
  );
  const account = (user: string, password: string) => `CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`;
  my.sql(
    `${account(backupUser, passwords.backup)}; GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* TO '${backupUser}'@'127.0.0.1';
     ${account(restorer, passwords.restorer)}; GRANT ALL ON \`${restored}\`.* TO '${restorer}'@'127.0.0.1';
     GRANT SET USER ON *.* TO '${restorer}'@'127.0.0.1';
     ${account(weak, passwords.weak)}; GRANT ALL ON \`${half}\`.* TO '${weak}'@'127.0.0.1'; GRANT ALL ON \`${existing}\`.* TO '${weak}'@'127.0.0.1';`,
  );
}

function facts(my: Mariadb, database: string): Record<string, string> {
  return {
    schemata: my.sql(
      `SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}'`,
    ),
    rows: my.sql('SELECT id, customer, total FROM orders ORDER BY id', database),
    checksums: my.sql('CHECKSUM TABLE orders, audit', database).replaceAll(`${database}.`, ''),
    view: my
      .sql(`SELECT VIEW_DEFINITION, DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '${database}'`)
      .replaceAll(database, 'DB'),
    routines: my.sql(
      `SELECT ROUTINE_NAME, ROUTINE_DEFINITION, DEFINER FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${database}'`,
    ),
    triggers: my.sql(
      `SELECT TRIGGER_NAME, ACTION_STATEMENT, DEFINER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${database}'`,
    ),
    events: my.sql(
      `SELECT EVENT_NAME, EVENT_DEFINITION, DEFINER FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${database}'`,
    ),
  };
}

const exists = (my: Mariadb, database: string) =>
  my.sql(`SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${database}'`) === '1';

describe('mysql restore as another user; a failed restore leaves nothing half-done', () => {
  let my: Mariadb;
  let project: Project;

  beforeAll(async () => {
    my = mariadb();
    populate(my);
    project = await makeProject();
    // Edited on Windows: the line ends in \r\n.
    await writeFile(project.path('backup-password'), `${passwords.backup}\r\n`, { mode: 0o600 });
    await writeFile(project.path('restorer-password'), `${passwords.restorer}\n`, { mode: 0o600 });
    await writeFile(project.path('weak-password'), `${passwords.weak}\n`, { mode: 0o600 });
    await project.writeConfig({
      sources: [
        {
          name: 'my',
          use: 'mysql',
          with: { host: my.host, port: my.port, user: backupUser, passwordFile: './backup-password', databases: [db] },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  });
  afterAll(async () => {
    for (const name of [db, restored, half, existing]) my.sql(`DROP DATABASE IF EXISTS \`${name}\``);
    for (const user of [backupUser, restorer, weak]) my.sql(`DROP USER IF EXISTS '${user}'@'127.0.0.1'`);
    await project.remove();
  });

  const restore = (to: string, ...extra: string[]) =>
    pickup(['restore', '--source', 'my', '--to', to, ...extra], { cwd: project.dir });
  const secrets = () => Object.values(passwords);

  it('backs up as the least-privilege account, its password file edited on Windows', async () => {
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('restoring as the backup account fails clearly, naming --as, and creates nothing', async () => {
    const result = await restore(restored);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `cannot create database ${restored} at 127\\.0\\.0\\.1:\\d+ as ${backupUser}: ` +
          `Access denied for user '${backupUser}'@'127\\.0\\.0\\.1' to database '${restored}'; ` +
          'restore as an account that may create it and its objects: --as USER --password-file FILE',
      ),
    );
    expect(exists(my, restored)).toBe(false);
  });

  it('--as an account with the documented rights and a password file restores the database equal to the original', async () => {
    const result = await restore(restored, '--as', restorer, '--password-file', './restorer-password');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`restored into database ${restored} at 127\\.0\\.0\\.1:\\d+ as ${restorer}`),
    );
    expect(facts(my, restored)).toEqual(facts(my, db));
    expect(facts(my, db).routines).toMatch(/root@localhost/);
  });

  it('a wrong password for --as: the error names the password file, never the password', async () => {
    const result = await restore(`${db}_never`, '--as', restorer, '--password-file', './weak-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `cannot connect to MySQL at 127\\.0\\.0\\.1:\\d+ as ${restorer} \\(password from --password-file \\./weak-password\\): ` +
          `Access denied for user '${restorer}'`,
      ),
    );
    expect(secrets().filter((secret) => (result.stdout + result.stderr).includes(secret))).toEqual([]);
  });

  it('a restore that fails midway drops the database it created, and says so', async () => {
    const result = await restore(half, '--as', weak, '--password-file', './weak-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`restoring into database ${half} at 127\\.0\\.0\\.1:\\d+ as ${weak} failed: .*(SET USER|SUPER)`),
    );
    expect(result.stderr).toMatch(new RegExp(`; database ${half}, created for this restore, was dropped again`));
    expect(exists(my, half)).toBe(false);
  });

  it('a restore with --force into an existing database that fails midway says what may have changed, and keeps the database', async () => {
    my.sql(
      `CREATE DATABASE \`${existing}\`; CREATE TABLE \`${existing}\`.keep (x INT); INSERT INTO \`${existing}\`.keep VALUES (42)`,
    );
    const result = await restore(existing, '--force', '--as', weak, '--password-file', './weak-password');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `restoring into database ${existing} at .* failed: .*; database ${existing} existed before this restore and was not dropped: ` +
          'the tables, views, routines, triggers and events of the backup up to the failure replaced those of the same name in it',
      ),
    );
    expect(my.sql('SELECT x FROM keep', existing)).toBe('42');
  });

  it('a wrong password in the config or in a password file: where it came from, never the password', async () => {
    const config = (extra: Record<string, unknown>) => ({
      sources: [
        {
          name: 'my',
          use: 'mysql',
          with: { host: my.host, port: my.port, user: backupUser, databases: [db], ...extra },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    await project.writeConfig(config({ password: passwords.weak }), 'inline.config.ts');
    const inline = await pickup(['check', '--config', 'inline.config.ts'], { cwd: project.dir });
    const refused = (from: string) =>
      new RegExp(`cannot connect to MySQL at 127\\.0\\.0\\.1:\\d+ as ${backupUser} \\(${from}\\): Access denied`);
    expect(inline.stdout + inline.stderr).toMatch(refused('password in the config'));
    await project.writeConfig(config({}), 'none.config.ts');
    const none = await pickup(['check', '--config', 'none.config.ts'], { cwd: project.dir });
    expect(none.stdout + none.stderr).toMatch(refused('no password'));
    for (const result of [inline, none])
      expect(secrets().filter((secret) => (result.stdout + result.stderr).includes(secret))).toEqual([]);
  });
});
