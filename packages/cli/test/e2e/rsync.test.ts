// needs: ssh, faketime
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { knownHostsAt, rsyncTarget } from '../helpers/rsync-target.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';
import { snapshotTree, writeRandomFile } from '../helpers/tree.js';

const duKiB = (path: string) => Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]);

describe('rsync target over a real sshd', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data/docs'), { recursive: true });
    await writeFile(project.path('data/docs/notes.txt'), 'ein Gruß 👋\n');
    await writeRandomFile(project.path('data/photo.raw'), 4 * 1024 * 1024);
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  const target = (folder: string, extra: Record<string, unknown> = {}) =>
    rsyncTarget(server, `${remote}/${folder}`, extra);
  const source = { name: 'files', use: 'folder', with: { path: './data' } };

  it('twice over unchanged data: the second backup costs almost no space; restore gives the original bytes', async () => {
    await project.writeConfig({ sources: [source], targets: [target('twice')] });
    for (let i = 0; i < 2; i++) {
      const run = await pickup([], { cwd: project.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const folder = join(server.home, remote, 'twice');
    const { complete, partial } = onServer(folder);
    expect(complete).toHaveLength(2);
    expect(partial).toEqual([]);
    const one = duKiB(join(folder, complete[0]!));
    expect(one).toBeGreaterThan(4000);
    expect(duKiB(folder) - one).toBeLessThan(100);
    const restore = await pickup(['restore', '--source', 'files', '--to', project.path('back')], { cwd: project.dir });
    expect(restore.code).toBe(0);
    expect(Object.fromEntries(await snapshotTree(project.path('back')))).toEqual(
      Object.fromEntries(await snapshotTree(project.path('data'))),
    );
  });

  it('retention over many runs leaves exactly what the policy keeps, and every kept backup verifies', async () => {
    await project.writeConfig({
      sources: [source],
      targets: [{ ...target('retention'), retention: { keepLast: 2, keepWeekly: 2, timeZone: 'UTC' } }],
    });
    for (let day = 1; day <= 10; day++) {
      const date = `2026-07-${String(day).padStart(2, '0')} 01:00:00`;
      const result = await pickup(['--quiet'], {
        cwd: project.dir,
        wrap: ['faketime', '-f', `@${date}`],
        env: { TZ: 'UTC' },
      });
      expect(result.code, date).toBe(0);
    }
    // 10 July 2026 is a Friday: the last two (9th, 10th) and the newest of last week (Sunday the 5th).
    const kept = onServer(join(server.home, remote, 'retention')).complete;
    expect(kept.map((id) => id.slice(0, 10))).toEqual(['2026-07-05', '2026-07-09', '2026-07-10']);
    for (const id of kept) {
      const verify = await pickup(['verify', id], { cwd: project.dir });
      expect(verify.code, id).toBe(0);
    }
  });

  it('a destination folder that is missing (a disk not mounted) is not created unless asked, not even by check', async () => {
    await project.writeConfig({ sources: [source], targets: [target('not/mounted', { createPath: false })] });
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /targets\[0\]\.with\.dest: \S+not\/mounted does not exist or is not a folder \(is its disk mounted\?\); create it, or set createPath: true/,
    );
    const run = await pickup([], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(existsSync(join(server.home, remote, 'not'))).toBe(false);
  });

  it('an unknown host key is refused by default, with what to do', async () => {
    await writeFile(project.path('empty_known_hosts'), '');
    // Without createPath the destination is looked at first: the host key problem must still be named.
    await project.writeConfig({
      sources: [source],
      targets: [target('unknown', { knownHostsFile: './empty_known_hosts', createPath: false })],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /target nas: failed: .*host key is not known \(strict host key checking is on\); add it after checking its fingerprint: ssh-keyscan -p \d+ 127\.0\.0\.1 >> \S+\/empty_known_hosts/,
    );
    expect(existsSync(join(server.home, remote, 'unknown'))).toBe(false);
  });

  it('a wrong key, an unreachable host, no rsync: clear failures', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', project.path('other_key')]);
    await project.writeConfig({ sources: [source], targets: [target('wrong', { identityFile: './other_key' })] });
    const wrongKey = await pickup([], { cwd: project.dir });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(
      /target nas: failed: .*ssh refused the login: permission denied \(wrong key or user\)/,
    );

    await project.writeConfig({
      sources: [source],
      targets: [target('unreachable', { port: 1, connectTimeout: 5, retryFor: 0 })],
    });
    const unreachable = await pickup([], { cwd: project.dir });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/target nas: failed: .*ssh could not connect: .*Connection refused/);

    await project.writeConfig({ sources: [source], targets: [target('norsync', { rsync: '/nonexistent/rsync' })] });
    const noRsync = await pickup([], { cwd: project.dir });
    expect(noRsync.code).toBe(1);
    expect(noRsync.stderr).toMatch(/\/nonexistent\/rsync was not found; install rsync or set the rsync option/);
    expect(onServer(join(server.home, remote, 'norsync')).complete).toEqual([]);
  });

  it('a destination folder that cannot be written: a clear failure, nothing there', async () => {
    const locked = join(server.home, remote, 'locked');
    await mkdir(locked, { recursive: true }); // made by root: the ssh user cannot write in it
    await project.writeConfig({ sources: [source], targets: [target('locked')] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    // The remote rsync's own line ("Permission denied") can be lost when ssh closes first; the code stays.
    expect(result.stderr).toMatch(
      /target nas: failed: (.*Permission denied|rsync exited with code 11: error in file I\/O)/,
    );
    expect(readdirSync(locked)).toEqual([]);
  });

  it('the connection cut mid-transfer: nothing lists as complete, the failed push removes what it sent; the next run succeeds', async () => {
    await writeRandomFile(project.path('data/huge.bin'), 48 * 1024 * 1024);
    const folder = join(server.home, remote, 'cut');
    // Through a proxy of its own, so that only this test's connection is cut (other tests use the sshd).
    const proxy = new TcpProxy({ host: server.host, port: server.port });
    await proxy.up();
    try {
      await knownHostsAt(server, proxy.port, project.path('known_hosts_cut'));
      // Slowed down (8 MB/s) so the transfer can be cut while it runs; not tried again (rsync-connection.test.ts does).
      const through = {
        port: proxy.port,
        knownHostsFile: './known_hosts_cut',
        rsyncArgs: ['--bwlimit=8m'],
        retryFor: 0,
      };
      await project.writeConfig({
        sources: [{ ...source, with: { path: './data', gzipLevel: 1 } }],
        targets: [{ ...target('cut', through), retention: { keepLast: 3 } }],
      });
      const running = pickup([], { cwd: project.dir });
      for (let i = 0; i < 600 && onServer(folder).partial.length === 0; i++) await sleep(50);
      await sleep(1500);
      proxy.cut();
      const cut = await running;
      expect(cut.code, cut.stderr + JSON.stringify(readdirSync(folder))).toBe(1);
      // 10 (socket I/O), 12 (protocol data stream) or 255 (ssh): where the cut lands decides which.
      expect(cut.stderr).toMatch(/target nas: failed: rsync exited with code (10|12|255)/);
      expect(onServer(folder).complete).toEqual([]);
      // Over a new connection (the server is still there): nothing is left for retention to remove.
      expect(onServer(folder).partial).toEqual([]);

      await rm(project.path('data/huge.bin'));
      const again = await pickup([], { cwd: project.dir });
      expect(again.code).toBe(0);
      expect(onServer(folder).complete).toHaveLength(1);
      expect(onServer(folder).partial).toEqual([]);
      expect(statSync(folder).isDirectory()).toBe(true);
    } finally {
      await proxy.down();
    }
  });
});
