// needs: postgres, restic
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { resticBy, spyingRestic, writePasswordFile } from '../helpers/restic.js';
import { compareTrees, makeAwkwardTree, snapshotTree, writeRandomFile } from '../helpers/tree.js';
import { postgres, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_restic_${suffix}`;

describe('restic target: snapshots of a folder and a database, restored as they were', () => {
  let project: Project;
  let pg: Postgres;
  let admin: ReturnType<typeof resticBy>;

  beforeAll(async () => {
    pg = postgres();
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    pg.sql(
      db,
      "CREATE TABLE notes (id serial PRIMARY KEY, body text); INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 2000) g",
    );
    project = await makeProject();
    await makeAwkwardTree(project.path('data'));
    await writeRandomFile(project.path('data/photo.raw'), 2 * 1024 * 1024);
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
    admin = resticBy(project.path('repository'), { RESTIC_PASSWORD_FILE: await writePasswordFile(project) });
  });
  afterAll(async () => {
    pg.sql('postgres', `DROP DATABASE IF EXISTS ${db}`);
    pg.sql('postgres', `DROP DATABASE IF EXISTS ${db}_back`);
    await project.remove();
  });

  const config = (restic: string, extra: Record<string, unknown> = {}) => ({
    sources: [
      { name: 'files', use: 'folder', with: { path: './data', compression: 'none' } },
      {
        name: 'pg',
        use: 'postgres',
        with: {
          host: pg.host,
          port: pg.port,
          user: pg.user,
          passwordFile: './pg-password',
          databases: [db],
          format: 'plain',
        },
      },
    ],
    targets: [
      {
        name: 'vault',
        use: 'restic',
        with: { repository: './repository', passwordFile: './restic-password', init: true, restic, ...extra },
      },
    ],
  });

  it('stores each run as a snapshot whose paths are the same every night, verifies it and restores it byte for byte and row for row', async () => {
    const restic = await spyingRestic(project);
    await project.writeConfig(config(restic));
    const first = await pickup([], { cwd: project.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    await writeFile(project.path('data/changed.txt'), 'changed on the second night\n');
    pg.sql(db, "UPDATE notes SET body = 'edited' WHERE id = 7");
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(0);

    // One snapshot per run, tagged with its run id, under this host; the same paths inside both.
    const snapshots = await admin.snapshots();
    expect(snapshots).toHaveLength(2);
    for (const snapshot of snapshots) expect(snapshot.tags).toContain('pickup');
    const [older, newer] = await Promise.all(snapshots.map((snapshot) => admin.paths(snapshot.id)));
    expect(newer).toEqual(older);
    expect(newer).toEqual(expect.arrayContaining(['/manifest.json', '/files/files.tar', `/pg/${db}.sql`]));
    const diff = await admin.restic('diff', '--no-lock', snapshots[0]!.id, snapshots[1]!.id);
    expect(diff).toMatch(/M\s+\/files\/files\.tar/);

    const list = await pickup(['list'], { cwd: project.dir });
    expect(list.code).toBe(0);
    expect(list.stdout.match(/complete/g)).toHaveLength(2);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);

    const restored = await pickup(['restore', '--source', 'files', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(
      await compareTrees(await snapshotTree(project.path('data')), await snapshotTree(project.path('restored'))),
    ).toEqual([]);
    const back = await pickup(['restore', '--source', 'pg', '--only', db, '--to', `${db}_back`], { cwd: project.dir });
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    const rows = (database: string) =>
      pg.sql(database, "SELECT count(*), md5(string_agg(body, ',' ORDER BY id)) FROM notes");
    expect(rows(`${db}_back`)).toBe(rows(db));

    // The repository password and nothing secret on any command line.
    const argv = await readFile(project.path('argv.log'), 'utf8');
    expect(argv).toMatch(/ backup --json --host /);
    expect(argv).not.toContain('correct horse');
    expect(argv).not.toContain(pg.password);
  });

  it('says once per run that compressed staged files defeat what restic stores only once', async () => {
    await project.writeConfig({
      ...config('restic'),
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      encryption: { passphraseFile: './restic-password' },
    });
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(0);
    const warnings = check.stderr.split('\n').filter((line) => line.includes('keeps only what changed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /target vault .* gets compressed files from source files and encrypted files .*compression: 'none'/,
    );
  });
});

describe('restic target: hosts sharing a repository', () => {
  let project: Project;
  let admin: ReturnType<typeof resticBy>;

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
    admin = resticBy(project.path('repository'), { RESTIC_PASSWORD_FILE: await writePasswordFile(project) });
  });
  afterAll(() => project.remove());

  const configFor = (host: string) => ({
    sources: [{ name: 'files', use: 'folder', with: { path: './data', compression: 'none' } }],
    targets: [
      {
        name: 'vault',
        use: 'restic',
        with: { repository: './repository', passwordFile: './restic-password', init: true, host },
        retention: { keepLast: 1 },
      },
    ],
  });

  it('each host lists and prunes only its own snapshots, and the space of what it removes is reclaimed', async () => {
    await project.writeConfig(configFor('host-b'), 'b.config.ts');
    await project.writeConfig(configFor('host-a'), 'a.config.ts');
    const runAs = async (file: string) => {
      const result = await pickup(['--config', file], { cwd: project.dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result;
    };
    await runAs('b.config.ts');
    await runAs('a.config.ts');
    await writeRandomFile(project.path('data/big.bin'), 1024 * 1024);
    await runAs('a.config.ts');
    const third = await runAs('a.config.ts');
    expect((await admin.snapshots('host-a')).length).toBe(1);
    expect((await admin.snapshots('host-b')).length).toBe(1);
    const logs = await readFile(project.path('logs/current.log'), 'utf8');
    expect(logs).toMatch(/reclaiming the space of 1 removed backup/);
    expect(third.stdout).toMatch(/removed 1/);
    const list = await pickup(['list', '--config', 'b.config.ts'], { cwd: project.dir });
    expect(list.stdout.match(/complete/g)).toHaveLength(1);
    // Pruned: nothing in the repository that no snapshot uses.
    expect(await admin.restic('prune', '--dry-run')).toMatch(/total prune:\s+0 blobs/);
    await rm(project.path('data/big.bin'));
  });
});
