// needs: postgres, ftp
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { backupsOnDisk, ftp, postgres, type Ftp, type Postgres } from '../../../../test/servers.js';

const suffix = randomBytes(4).toString('hex');
const db = `pickup_rp_${suffix}`;
const backupRole = `pickup_rp_backup_${suffix}`;
const backupPassword = `backup-${randomBytes(8).toString('hex')}`;
const victim = `pickup_rp_victim_${suffix}`;
const remote = `pickup-rp-${suffix}`;
const HASH = /SCRAM-SHA-256\$/;
/** The one line the core writes per source whose backup holds password hashes and goes unencrypted to another machine. */
const warning = (name: string, index: number) =>
  new RegExp(
    `warning: source ${name}: globals\\.sql holds the roles' password hashes and goes unencrypted to target ftp, on another machine; ` +
      'encrypt the backups \\(encryption in \\S+pickup\\.config\\.ts; see the Pickup docs: docs/encryption\\.md\\) ' +
      `or leave them out \\(rolePasswords: false in sources\\[${index}\\]\\.with\\)`,
  );

describe("postgres source: the roles' password hashes", () => {
  let pg: Postgres;
  let server: Ftp;
  let project: Project;
  let recipient: string;

  beforeAll(async () => {
    pg = postgres();
    server = ftp();
    pg.sql(
      'postgres',
      `CREATE ROLE ${backupRole} LOGIN PASSWORD '${backupPassword}'; GRANT pg_read_all_data TO ${backupRole}`,
    );
    pg.sql('postgres', `CREATE ROLE ${victim} LOGIN PASSWORD 'victim-${suffix}'`);
    pg.sql('postgres', `CREATE DATABASE ${db}`);
    pg.sql(db, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    project = await makeProject();
    await writeFile(project.path('pg-password'), `${pg.password}\n`, { mode: 0o600 });
    await writeFile(project.path('backup-password'), `${backupPassword}\n`, { mode: 0o600 });
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
    execFileSync('age-keygen', ['-o', project.path('key.txt')], { stdio: 'ignore' });
    recipient = execFileSync('age-keygen', ['-y', project.path('key.txt')], { encoding: 'utf8' }).trim();
  });
  afterAll(async () => {
    pg.sql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    for (const role of [backupRole, victim]) pg.sql('postgres', `DROP ROLE IF EXISTS ${role}`);
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  const source = (name: string, login: 'superuser' | 'reader', extra: Record<string, unknown> = {}) => ({
    name,
    use: 'postgres',
    with: {
      host: pg.host,
      port: pg.port,
      ...(login === 'superuser'
        ? { user: pg.user, passwordFile: './pg-password' }
        : { user: backupRole, passwordFile: './backup-password' }),
      databases: [db],
      ...extra,
    },
  });
  const folder = (path: string) => ({ name: 'disk', use: 'folder', with: { path: `./${path}`, createPath: true } });
  const ftpTarget = () => ({
    name: 'ftp',
    use: 'ftp',
    with: { host: server.host, port: server.port, user: server.user, passwordFile: './ftp-password', path: remote },
  });

  it('a superuser writes the hashes and a pg_read_all_data role does not, unless rolePasswords says otherwise', async () => {
    await project.writeConfig({
      sources: [
        source('reader', 'reader'),
        source('readerWith', 'reader', { rolePasswords: true }),
        source('super', 'superuser'),
        source('superWithout', 'superuser', { rolePasswords: false }),
      ],
      targets: [folder('disk')],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('disk'));
    const globals = (name: string) => readFile(project.path('disk', backup!, name, 'globals.sql'), 'utf8');
    const withHash = new RegExp(`ROLE ${victim} .*PASSWORD 'SCRAM-SHA-256\\$`);
    for (const name of ['reader', 'superWithout']) {
      expect(await globals(name)).toContain(`CREATE ROLE ${victim};`);
      expect(await globals(name)).not.toMatch(HASH);
    }
    for (const name of ['readerWith', 'super']) expect(await globals(name)).toMatch(withHash);
  });

  it('hashes going unencrypted to the FTP server: one warning in run and in check, naming the two ways out', async () => {
    await project.writeConfig({ sources: [source('pg', 'superuser')], targets: [ftpTarget()] });
    const run = await pickup([], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(warning('pg', 0))]);
    const [backup] = backupsOnDisk(join(server.home, remote)).complete;
    expect(await readFile(join(server.home, remote, backup!, 'pg/globals.sql'), 'utf8')).toMatch(HASH);

    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(0);
    expect(check.stderr.trim().split('\n')).toEqual([expect.stringMatching(warning('pg', 0))]);
  });

  it.each([
    [
      'rolePasswords: false',
      () => ({ sources: [source('pg', 'superuser', { rolePasswords: false })], targets: [ftpTarget()] }),
    ],
    [
      'encryption',
      () => ({ sources: [source('pg', 'superuser')], targets: [ftpTarget()], encryption: { recipients: [recipient] } }),
    ],
    ['a folder target', () => ({ sources: [source('pg', 'superuser')], targets: [folder('local')] })],
  ])('no warning with %s', async (_, config) => {
    await project.writeConfig(config());
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});
