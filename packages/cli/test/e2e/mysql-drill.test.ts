// needs: mariadb
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, hasStackTrace, makeProject, pickup, type Project } from '../helpers/project.js';
import { mariadb, type Mariadb } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_drilled_${suffix}`;
const backupUser = `pickup_dbk_${suffix}`;
/** The drill account of docs/drills.md: every right on the scratch databases, none elsewhere. */
const drillUser = `pickup_ddr_${suffix}`;
const passwords = { backup: `bk-${randomBytes(8).toString('hex')}`, drill: `dr-${randomBytes(8).toString('hex')}` };
/** A collation no other test gives its databases: the scratch databases made from this one have it too. */
const COLLATION = 'utf8mb4_icelandic_ci';

/** The scratch databases of this file's drills now on the server (other tests drill at the same time). */
const scratchDatabases = (my: Mariadb) =>
  my.sql(
    `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'pickup\\\\_drill\\\\_%' AND DEFAULT_COLLATION_NAME = '${COLLATION}'`,
  );

describe('pickup drill of a mysql source', () => {
  let my: Mariadb;
  let project: Project;

  beforeAll(async () => {
    my = mariadb();
    my.sql(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE ${COLLATION}`);
    my.sql(
      `CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=InnoDB;
       INSERT INTO orders SELECT seq, CONCAT('order ', seq, ' (''quoted''), ;') FROM seq_1_to_20000;
       CREATE TABLE \`odd name\` (id INT) ENGINE=InnoDB; INSERT INTO \`odd name\` VALUES (1), (2);
       CREATE TABLE empty (id INT) ENGINE=InnoDB;`,
      db,
    );
    my.sql(
      `CREATE USER '${backupUser}'@'127.0.0.1' IDENTIFIED BY '${passwords.backup}';
       GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* TO '${backupUser}'@'127.0.0.1';
       CREATE USER '${drillUser}'@'127.0.0.1' IDENTIFIED BY '${passwords.drill}';
       GRANT ALL PRIVILEGES ON \`pickup\\_drill\\_%\`.* TO '${drillUser}'@'127.0.0.1';`,
    );
    project = await makeProject();
    await writeFile(project.path('backup-password'), `${passwords.backup}\n`, { mode: 0o600 });
    await writeFile(project.path('drill-password'), `${passwords.drill}\n`, { mode: 0o600 });
    await project.writeConfig({
      sources: [
        {
          name: 'my',
          use: 'mysql',
          with: { host: my.host, port: my.port, user: backupUser, passwordFile: './backup-password', databases: [db] },
          drill: { as: drillUser, passwordFile: './drill-password' },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  afterAll(async () => {
    for (const name of scratchDatabases(my).split('\n').filter(Boolean)) my.sql(`DROP DATABASE IF EXISTS \`${name}\``);
    my.sql(`DROP DATABASE IF EXISTS \`${db}\``);
    my.sql(`DROP USER IF EXISTS '${backupUser}'@'127.0.0.1', '${drillUser}'@'127.0.0.1'`);
    await project.remove();
  });

  it('restores into a scratch database as the drill account, finds every table with its rows, and drops it', async () => {
    const before = my.sql('CHECKSUM TABLE orders, `odd name`, empty', db);
    const drill = await pickup(['drill', '--json'], { cwd: project.dir });
    expect(drill.stderr).toBe('');
    expect(drill.code).toBe(0);
    const [result] = JSON.parse(drill.stdout).drills;
    expect(result).toMatchObject({ source: 'my', status: 'ok', check: 'restored' });
    expect(result.checked).toBe('1 database restored, 3 tables, 20,002 rows as recorded');
    expect(scratchDatabases(my)).toBe('');
    expect(my.sql('CHECKSUM TABLE orders, `odd name`, empty', db)).toBe(before);
  });

  it("a dump the server refuses (its checksum made to match): exit 1, one line in the server's words, no scratch database left", async () => {
    const [backup] = await completeBackups(project.path('backups'));
    const manifestPath = project.path('backups', backup!, 'manifest.json');
    const manifestText = await readFile(manifestPath, 'utf8');
    const manifest = JSON.parse(manifestText);
    const file = manifest.sources[0].files.find((entry: { path: string }) => entry.path.endsWith('.sql.gz'));
    const dumpPath = project.path('backups', backup!, file.path);
    const original = await readFile(dumpPath);
    // As a broken dump tool would have written it: a statement garbled, still valid gzip.
    const sql = gunzipSync(original).toString('utf8');
    const damaged = gzipSync(sql.replace('INSERT INTO `orders`', 'INSERT INTX `orders`'));
    await writeFile(dumpPath, damaged);
    file.sha256 = createHash('sha256').update(damaged).digest('hex');
    file.size = damaged.length;
    await writeFile(manifestPath, JSON.stringify(manifest));
    try {
      const drill = await pickup(['drill'], { cwd: project.dir });
      expect(drill.code).toBe(1);
      expect(drill.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `error: source my: drill of backup ${backup} failed: database ${db}: mariadb could not restore the dump: .*ERROR 1064`,
          ),
        ),
      ]);
      expect(hasStackTrace(drill.stdout + drill.stderr)).toBe(false);
      expect(scratchDatabases(my)).toBe('');
    } finally {
      await writeFile(dumpPath, original);
      await writeFile(manifestPath, manifestText);
    }
  });
});
