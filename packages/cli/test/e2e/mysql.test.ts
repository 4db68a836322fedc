// needs: mariadb
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { mariadb, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_shop_${suffix}`;
const other = `pickup_other_${suffix}`;

/** utf8mb4 text with emoji, binary blobs, a trigger, a procedure, an event and a view. */
function populate(my: Mariadb): void {
  my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4; CREATE DATABASE ${other}`);
  my.sql(`CREATE TABLE t (x INT) ENGINE=InnoDB; INSERT INTO t VALUES (1), (2)`, other);
  my.sql(
    `CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(100) CHARACTER SET utf8mb4, note TEXT CHARACTER SET utf8mb4, photo BLOB, total DECIMAL(10,2)) ENGINE=InnoDB;
     CREATE TABLE audit (order_id INT, at VARCHAR(20)) ENGINE=InnoDB;
     INSERT INTO orders (customer, note, photo, total) VALUES
       ('Zoë', 'pizza 🍕 and 🎉', UNHEX('00FF10E2808B7F80'), 12.50),
       ('日本の顧客', 'ありがとう 🙏', RANDOM_BYTES(1024), 99.99),
       ('O''Brien', NULL, NULL, 0.01);
     CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit VALUES (NEW.id, 'insert');
     CREATE PROCEDURE add_order(IN who VARCHAR(100)) INSERT INTO orders (customer, total) VALUES (who, 1.00);
     CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;
     CREATE VIEW big_orders AS SELECT customer FROM orders WHERE total > 10;
     CALL add_order('via procedure');`,
    db,
  );
}

function facts(my: Mariadb, database: string): Record<string, string> {
  return {
    checksums: my.sql(`CHECKSUM TABLE orders, audit`, database).replaceAll(`${database}.`, ''),
    rows: my.sql('SELECT id, customer, note, HEX(photo), total FROM orders ORDER BY id', database),
    view: my.sql('SELECT * FROM big_orders ORDER BY 1', database),
    routines: my.sql(
      `SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${database}'`,
    ),
    triggers: my.sql(
      `SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '${database}'`,
    ),
    events: my.sql(
      `SELECT EVENT_NAME, EVENT_DEFINITION FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '${database}'`,
    ),
  };
}

describe('mysql source against a real MariaDB', () => {
  let my: Mariadb;
  let project: Project;

  beforeAll(async () => {
    my = mariadb();
    populate(my);
    project = await makeProject();
    await writeFile(project.path('my-password'), `${my.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    my.sql(`DROP DATABASE IF EXISTS ${db}; DROP DATABASE IF EXISTS ${other}; DROP DATABASE IF EXISTS ${db}_restored`);
    await project.remove();
  });

  const source = (extra: Record<string, unknown> = {}) => ({
    name: 'my',
    use: 'mysql',
    with: {
      host: my.host,
      port: my.port,
      user: my.user,
      passwordFile: './my-password',
      databases: [db, other],
      users: true,
      ...extra,
    },
  });
  const target = { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } };

  it('dumps each database and the accounts, restores one into a new database equal to the original', async () => {
    // A dump tool that logs its argv and environment, then runs the real one.
    const spy = project.path('spy-mariadb-dump');
    await writeFile(
      spy,
      `#!/bin/sh\nprintf '%s\\n' "$0 $*" >> "${project.path('argv.log')}"\nenv >> "${project.path('env.log')}"\nexec mariadb-dump "$@"\n`,
    );
    await chmod(spy, 0o755);
    await project.writeConfig({ sources: [source({ dumpTool: spy })], targets: [target] });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].files.map((file: { path: string }) => file.path).sort()).toEqual(
      [
        `my/${db}.sql.gz`,
        `my/${other}.sql.gz`,
        `my/properties/${db}.sql`,
        `my/properties/${other}.sql`,
        'my/users.sql',
      ].sort(),
    );
    expect(await readFile(project.path('backups', backup!, 'my/users.sql'), 'utf8')).toMatch(
      /GRANT ALL PRIVILEGES ON \*\.\* TO `pickup`@`127\.0\.0\.1`/,
    );

    const restore = await pickup(['restore', '--source', 'my', '--only', db, '--to', `${db}_restored`], {
      cwd: project.dir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(facts(my, `${db}_restored`)).toEqual(facts(my, db));
    expect(facts(my, db).rows).toMatch(/🍕/);

    const argv = await readFile(project.path('argv.log'), 'utf8');
    expect(argv).toMatch(
      /--defaults-extra-file=\S+ --single-transaction --quick --routines --events --triggers --hex-blob -- pickup_shop_/,
    );
    expect(argv).not.toContain(my.password);
    const env = await readFile(project.path('env.log'), 'utf8');
    expect(env).not.toContain(my.password);
    expect(env).not.toMatch(/^MYSQL_PWD=/m);
    expect(await readFile(project.path('logs/current.log'), 'utf8')).not.toContain(my.password);
  });

  it('warns about non-transactional tables, whose dump may not be consistent', async () => {
    my.sql('CREATE TABLE legacy (x INT) ENGINE=MyISAM', other);
    await project.writeConfig({ sources: [source({ databases: [other] })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`warning: source my: database ${other}: legacy are not transactional`));
  });

  it('a wrong password: a clear error naming the server and user, never the password', async () => {
    await writeFile(project.path('wrong'), 'not-the-password\n', { mode: 0o600 });
    await project.writeConfig({ sources: [source({ passwordFile: './wrong' })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot connect to MySQL at 127\.0\.0\.1:\d+ as pickup \(password from passwordFile \.\/wrong\): Access denied for user 'pickup'@'127\.0\.0\.1'/,
    );
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  });

  it('an unreachable server: a clear error, nothing pushed', async () => {
    await project.writeConfig({
      sources: [source({ port: 1 })],
      targets: [{ ...target, with: { path: './unreachable', createPath: true } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot connect to MySQL at 127\.0\.0\.1:1 as pickup \(password from passwordFile \.\/my-password\): .*ECONNREFUSED/,
    );
    expect(await completeBackups(project.path('unreachable'))).toEqual([]);
  });

  it('a named database that does not exist: a warning, the others dumped', async () => {
    await project.writeConfig({ sources: [source({ databases: [db, 'no_such_db'] })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /warning: source my: database no_such_db does not exist at 127\.0\.0\.1:\d+ as pickup; the others are dumped/,
    );
  });

  it('no dump tool installed: a clear error naming dumpTool', async () => {
    await project.writeConfig({ sources: [source({ dumpTool: '/nonexistent/mariadb-dump' })], targets: [target] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /sources\[0\]\.with\.dumpTool: \/nonexistent\/mariadb-dump does not exist; install mariadb-client or mysql-client/,
    );
  });

  it('a database dropped mid-run: that one fails and leaves no file, the others are dumped', async () => {
    const doomed = `pickup_doomed_${suffix}`;
    my.sql(`CREATE DATABASE ${doomed}`);
    const dropper = project.path('dropping-dump');
    await writeFile(
      dropper,
      `#!/bin/sh\ncase "$*" in *" ${doomed}") mariadb --defaults-extra-file="\${1#--defaults-extra-file=}" -e 'DROP DATABASE ${doomed}';; esac\nexec mariadb-dump "$@"\n`,
    );
    await chmod(dropper, 0o755);
    await project.writeConfig({
      sources: [source({ dumpTool: dropper, databases: [db, doomed, other] })],
      targets: [target],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `warning: source my: database ${doomed} at 127\\.0\\.0\\.1:\\d+ as pickup: dropping-dump exited with code 2: .*Unknown database`,
      ),
    );
    const backups = (await completeBackups(project.path('backups'))).sort();
    const manifest = JSON.parse(await readFile(project.path('backups', backups.at(-1)!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0].files.map((file: { path: string }) => file.path).sort()).toEqual(
      [
        `my/${db}.sql.gz`,
        `my/${other}.sql.gz`,
        `my/properties/${db}.sql`,
        `my/properties/${other}.sql`,
        'my/users.sql',
      ].sort(),
    );
  });
});
