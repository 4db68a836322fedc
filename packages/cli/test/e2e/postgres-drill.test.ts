// needs: postgres
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, hasStackTrace, makeProject, pickup, type Project } from '../helpers/project.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_drilled_${suffix}`;
const backupRole = `pickup_drilled_backup_${suffix}`;
/** Owns the source database, and so every scratch database restored from it: how this file's are told from others'. */
const owner = `pickup_drilled_owner_${suffix}`;
const password = `${backupRole}-pw`;

/** The scratch databases of this file's drills now on the server (other tests drill at the same time). */
const scratchDatabases = (pg: Postgres) =>
  pg.sql(
    'postgres',
    `SELECT datname FROM pg_database WHERE datname LIKE 'pickup\\_drill\\_%' AND pg_get_userbyid(datdba) = '${owner}'`,
  );

/** What the source database holds: its rows, which a drill must not change. */
const fingerprint = (pg: Postgres) =>
  pg.sql(db, 'SELECT count(*), sum(id) FROM shop.orders') +
  pg.sql(db, 'SELECT string_agg(name, \',\' ORDER BY id) FROM shop."Order Items"');

describe('pickup drill of a postgres source', () => {
  let pg: Postgres;
  let project: Project;

  beforeAll(async () => {
    pg = postgres();
    pg.sql(
      'postgres',
      `CREATE ROLE ${backupRole} LOGIN PASSWORD '${password}'; GRANT pg_read_all_data TO ${backupRole}`,
    );
    pg.sql('postgres', `CREATE ROLE ${owner}`);
    pg.sql('postgres', `CREATE DATABASE ${db} OWNER ${owner}`);
    pg.sql(
      db,
      `CREATE SCHEMA shop;
       CREATE TABLE shop.orders (id int PRIMARY KEY, note text);
       INSERT INTO shop.orders SELECT g, md5(g::text) FROM generate_series(1, 300000) g;
       CREATE TABLE shop."Order Items" (id int, name text); INSERT INTO shop."Order Items" VALUES (1, 'Zoë'), (2, 'O''Brien');
       CREATE TABLE public.empty (id int);`,
    );
    project = await makeProject();
    await writeFile(project.path('backup-password'), `${password}\n`, { mode: 0o600 });
    await writeFile(project.path('admin-password'), `${pg.password}\n`, { mode: 0o600 });
    await project.writeConfig({
      staging: './staging',
      sources: [
        {
          name: 'pg',
          use: 'postgres',
          with: { host: pg.host, port: pg.port, user: backupRole, passwordFile: './backup-password', databases: [db] },
          drill: { as: pg.user, passwordFile: './admin-password' },
        },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  afterAll(async () => {
    for (const name of scratchDatabases(pg).split('\n').filter(Boolean))
      pg.sql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    pg.sql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    pg.sql('postgres', `DROP ROLE IF EXISTS ${backupRole}; DROP ROLE IF EXISTS ${owner}`);
    await project.remove();
  });

  it('restores the dump into a scratch database as the drill user, finds every table with its rows, and drops it', async () => {
    const before = fingerprint(pg);
    const drill = await pickup(['drill', '--json'], { cwd: project.dir });
    expect(drill.stderr).toBe('');
    expect(drill.code).toBe(0);
    const [result] = JSON.parse(drill.stdout).drills;
    expect(result).toMatchObject({ source: 'pg', status: 'ok', check: 'restored' });
    expect(result.checked).toMatch(
      /^1 database restored, 3 tables, 300,002 rows as recorded \(roles: checksums only\)$/,
    );
    expect(scratchDatabases(pg)).toBe('');
    expect(fingerprint(pg)).toBe(before);
  });

  it("a dump pg_restore refuses (its checksum made to match): exit 1, one line in pg_restore's words, no scratch database left", async () => {
    const scene = await damagedCopy(project, 'pg');
    try {
      const drill = await pickup(['drill'], { cwd: project.dir });
      expect(drill.code).toBe(1);
      expect(drill.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `error: source pg: drill of backup \\S+ failed: database ${db}: pg_restore could not (read|restore) the dump: .+`,
          ),
        ),
      ]);
      expect(hasStackTrace(drill.stdout + drill.stderr)).toBe(false);
      expect(scratchDatabases(pg)).toBe('');
    } finally {
      await scene.undo();
    }
  });

  it('a drill killed with SIGKILL while pg_restore fills the scratch database: the next run drops it first', async () => {
    let pid = 0;
    const drill = pickup(['drill'], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
    for (let i = 0; i < 1000 && scratchDatabases(pg) === ''; i++) await sleep(10);
    const scratch = scratchDatabases(pg);
    expect(scratch).toMatch(/^pickup_drill_[a-z0-9]{12}$/);
    process.kill(pid, 'SIGKILL');
    expect((await drill).code).toBe(null);
    expect(scratchDatabases(pg)).toBe(scratch); // left behind, pg_restore maybe still at it

    const run = await pickup([], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `warning: source pg: removed ${scratch}, the scratch database of a drill that was killed`,
    );
    expect(scratchDatabases(pg)).toBe('');
  });
});

/**
 * Damages the dump of the newest backup as a broken pg_dump would have written it: bytes changed in the
 * middle, and the manifest's size and sha256 made to match (so the drill gets as far as pg_restore).
 */
async function damagedCopy(project: Project, source: string): Promise<{ undo(): Promise<void> }> {
  const backups = (await completeBackups(project.path('backups'))).sort();
  const backup = project.path('backups', backups.at(-1)!);
  const manifestPath = `${backup}/manifest.json`;
  const manifestText = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(manifestText);
  const file = manifest.sources
    .find((entry: { name: string }) => entry.name === source)
    .files.find((entry: { path: string }) => entry.path.endsWith('.dump'));
  const dumpPath = `${backup}/${file.path}`;
  const original = await readFile(dumpPath);
  const damaged = Buffer.from(original);
  damaged.fill(0x42, damaged.length >> 2, (damaged.length >> 2) + 4096);
  await writeFile(dumpPath, damaged);
  file.sha256 = createHash('sha256').update(damaged).digest('hex');
  await writeFile(manifestPath, JSON.stringify(manifest));
  return {
    async undo() {
      await writeFile(dumpPath, original);
      await writeFile(manifestPath, manifestText);
    },
  };
}
