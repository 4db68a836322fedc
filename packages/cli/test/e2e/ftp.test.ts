// needs: ftp, faketime
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killTree, makeProject, pickup, type Project } from '../helpers/project.js';
import { backupsOnDisk as onServer, ftp, type Ftp } from '../../../../test/servers.js';
import { snapshotTree, writeRandomFile } from '../helpers/tree.js';

describe('ftp target against a real vsftpd', () => {
  let server: Ftp;
  let project: Project;
  let remote: string;

  beforeAll(async () => {
    server = ftp();
    remote = `pickup-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data/sub'), { recursive: true });
    await writeFile(project.path('data/sub/notes.txt'), 'über die Brücke 🌉\n');
    await writeRandomFile(project.path('data/blob.bin'), 2 * 1024 * 1024);
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  const plain = (extra: Record<string, unknown> = {}) => ({
    host: server.host,
    port: server.port,
    user: server.user,
    passwordFile: './ftp-password',
    path: `${remote}/plain`,
    ...extra,
  });
  const tls = (extra: Record<string, unknown> = {}) =>
    plain({ port: server.tlsPort, secure: true, ca: server.ca, path: `${remote}/tls`, ...extra });
  const source = { name: 'files', use: 'folder', with: { path: './data' } };

  it('pushes to vsftpd and to vsftpd with TLS; list, verify and restore work on both', async () => {
    await project.writeConfig({
      sources: [source],
      targets: [
        { name: 'ftp', use: 'ftp', with: plain() },
        { name: 'ftps', use: 'ftp', with: tls() },
      ],
    });
    const run = await pickup([], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const folder of ['plain', 'tls']) {
      const { complete, partial } = onServer(join(server.home, remote, folder));
      expect(complete).toHaveLength(1);
      expect(partial).toEqual([]);
      expect(existsSync(join(server.home, remote, folder, complete[0]!, 'manifest.json'))).toBe(true);
    }
    const list = await pickup(['list', '--json'], { cwd: project.dir });
    expect(JSON.parse(list.stdout).targets.map((target: { backups: unknown[] }) => target.backups.length)).toEqual([
      1, 1,
    ]);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/target ftps: backup \S+ intact/);
    for (const target of ['ftp', 'ftps']) {
      const restore = await pickup(
        ['restore', '--source', 'files', '--target', target, '--to', project.path(`back-${target}`)],
        { cwd: project.dir },
      );
      expect(restore.code).toBe(0);
      expect(Object.fromEntries(await snapshotTree(project.path(`back-${target}`)))).toEqual(
        Object.fromEntries(await snapshotTree(project.path('data'))),
      );
    }
  });

  it('thirteen runs with a retention policy leave exactly the backups the policy keeps on the server', async () => {
    const path = `${remote}/retention`;
    await project.writeConfig({
      sources: [source],
      targets: [
        { name: 'ftp', use: 'ftp', with: plain({ path }), retention: { keepDaily: 2, keepWeekly: 2, timeZone: 'UTC' } },
      ],
    });
    // From Monday 8 June: two whole weeks, so that the weekly rule has last week's Sunday to keep.
    for (let day = 8; day <= 20; day++) {
      const date = `2026-06-${String(day).padStart(2, '0')} 03:00:00`;
      const result = await pickup(['--quiet'], {
        cwd: project.dir,
        wrap: ['faketime', '-f', `@${date}`],
        env: { TZ: 'UTC' },
      });
      expect(result.code, date).toBe(0);
    }
    // 20 June 2026 is a Saturday: daily keeps the 20th and 19th; weekly the 20th (this week) and the 14th (last Sunday).
    expect(onServer(join(server.home, path)).complete.map((id) => id.slice(0, 10))).toEqual([
      '2026-06-14',
      '2026-06-19',
      '2026-06-20',
    ]);
  });

  it('a wrong password: fails at once with the server named, never the password', async () => {
    await writeFile(project.path('wrong'), 'not-the-password\n');
    await project.writeConfig({
      sources: [source],
      targets: [{ name: 'ftp', use: 'ftp', with: plain({ passwordFile: './wrong' }) }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /target ftp: failed: listing the backups at ftp:\/\/pickupftp@127\.0\.0\.1:\d+: 530 Login incorrect/,
    );
    expect(result.stderr).not.toMatch(/retrying/);
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  });

  it('an unreachable host: retried, then a clear failure', async () => {
    await project.writeConfig({
      sources: [source],
      targets: [{ name: 'ftp', use: 'ftp', with: plain({ port: 1, retries: 1 }) }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /warning: target ftp: listing the backups: .*ECONNREFUSED.*; trying again in 1 s \(60 s left of 60 s\)/,
    );
    expect(result.stderr).toMatch(
      /error: target ftp: failed: listing the backups at ftp:\/\/pickupftp@127\.0\.0\.1:1: .*ECONNREFUSED.* \(tried 2 times over 1 s\)/,
    );
  });

  it('a remote folder without write permission: a clear failure, nothing there', async () => {
    const locked = join(server.home, remote, 'locked');
    await mkdir(locked, { recursive: true });
    // The test's own folder, created here by root: the FTP user may write in it, not in `locked`.
    await chown(join(server.home, remote), statSync(server.home).uid, statSync(server.home).gid);
    await project.writeConfig({
      sources: [source],
      targets: [{ name: 'ftp', use: 'ftp', with: plain({ path: `${remote}/locked` }) }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/target ftp: failed: preparing the upload folder at ftp:\/\/\S+: 55\d /);
    expect(await readdir(locked)).toEqual([]);
  });

  it('a TLS certificate that is not trusted is refused, unless allowUntrusted is set', async () => {
    await project.writeConfig({
      sources: [source],
      targets: [{ name: 'ftps', use: 'ftp', with: tls({ ca: undefined, path: `${remote}/untrusted` }) }],
    });
    const refused = await pickup([], { cwd: project.dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the server's TLS certificate is not trusted \(self.signed certificate[^)]*\); set ca to its CA file, or allowUntrusted: true to accept any/,
    );
    expect(refused.stderr).not.toMatch(/retrying/);
    expect(onServer(join(server.home, remote, 'untrusted')).complete).toEqual([]);
    await project.writeConfig({
      sources: [source],
      targets: [
        { name: 'ftps', use: 'ftp', with: tls({ ca: undefined, allowUntrusted: true, path: `${remote}/untrusted` }) },
      ],
    });
    const accepted = await pickup([], { cwd: project.dir });
    expect(accepted.code).toBe(0);
  });

  it('the server killed mid-upload: nothing lists as complete; a later run succeeds and cleans up', async () => {
    // A vsftpd of this test's own, in its own process group, so the whole server can be killed.
    const port = 52131;
    const config = (await readFile(join(server.servers, 'ftp/vsftpd.conf'), 'utf8'))
      .replace(/^listen_port=.*$/m, `listen_port=${port}`)
      .replace(/^pasv_min_port=.*$/m, 'pasv_min_port=52300')
      .replace(/^pasv_max_port=.*$/m, 'pasv_max_port=52349')
      // Slow enough (8 MB/s) to be killed while it receives the archive.
      .concat('local_max_rate=8000000\n');
    await writeFile(project.path('vsftpd.conf'), config);
    const start = async (): Promise<ChildProcess> => {
      // A server left on this port (by a run that was itself killed) would be the one the test kills.
      expect(await listening(port), `port ${port} is taken: end the vsftpd listening there`).toBe(false);
      const child = spawn('vsftpd', [project.path('vsftpd.conf')], { detached: true, stdio: 'ignore' });
      for (let i = 0; i < 50 && !(await listening(port)); i++) await sleep(100);
      return child;
    };
    const path = `${remote}/killed`;
    const folder = join(server.home, path);
    await writeRandomFile(project.path('data/huge.bin'), 64 * 1024 * 1024);
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
      targets: [
        { name: 'ftp', use: 'ftp', with: plain({ port, path, retries: 2, timeout: 5 }), retention: { keepLast: 5 } },
      ],
    });
    let vsftpd = await start();
    const running = pickup([], { cwd: project.dir });
    // Kill the whole server once the upload is under way.
    for (let i = 0; i < 600 && uploadedBytes(folder) < 8 * 1024 * 1024; i++) await sleep(50);
    expect(uploadedBytes(folder)).toBeGreaterThan(0);
    killTree(vsftpd.pid!);
    const cut = await running;
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(
      /target ftp: failed: uploading files\/files\.tar\.gz at ftp:\/\/\S+: .* \(tried 3 times over \d+ s\)/,
    );
    expect(onServer(folder).complete).toEqual([]);
    expect(onServer(folder).partial).toHaveLength(1);

    vsftpd = await start();
    try {
      await rm(project.path('data/huge.bin'));
      const again = await pickup([], { cwd: project.dir });
      expect(again.code).toBe(0);
      expect(onServer(folder).complete).toHaveLength(1);
      expect(onServer(folder).partial).toEqual([]);
      expect(again.stdout).toMatch(/target ftp: removed \S+\.partial \(incomplete\)/);
    } finally {
      killTree(vsftpd.pid!);
    }
  });
});

function uploadedBytes(folder: string): number {
  const partial = onServer(folder).partial[0];
  if (!partial) return 0;
  const file = join(folder, partial, 'files/files.tar.gz');
  return existsSync(file) ? statSync(file).size : 0;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
