// needs: ssh
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { knownHostsAt, rsyncTarget } from '../helpers/rsync-target.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { writeRandomFile } from '../helpers/tree.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';

describe('rsync target: a connection lost mid-transfer, a server restarting, or one gone for good', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-conn-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/notes.txt'), 'notes\n');
    await writeRandomFile(project.path('data/photo.raw'), 1024 * 1024);
    proxy = new TcpProxy({ host: server.host, port: server.port });
    await proxy.up();
    await knownHostsAt(server, proxy.port, project.path('known_hosts'));
  });
  afterAll(async () => {
    await proxy.down().catch(() => {});
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  /** Through the proxy, slowed down so that the transfer can be cut while it runs. */
  const configure = (folder: string, extra: Record<string, unknown>, rate = '1m') =>
    project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
      targets: [
        rsyncTarget(server, `${remote}/${folder}`, {
          port: proxy.port,
          knownHostsFile: './known_hosts',
          rsyncArgs: [`--bwlimit=${rate}`],
          ...extra,
        }),
      ],
    });

  it('a connection lost mid-transfer is reported as lost, not as one that could not be made', async () => {
    await configure('lost', { retryFor: 0 });
    const running = pickup([], { cwd: project.dir });
    await proxy.sentMore(256 * 1024);
    proxy.cut();
    const result = await running;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /target nas: failed: rsync exited with code (12|255): the connection was lost during the transfer \(.+\)/,
    );
    expect(result.stderr).not.toMatch(/could not connect/);
    expect(onServer(join(server.home, remote, 'lost')).complete).toEqual([]);
  });

  it('given up after retryFor seconds: the message says what failed and how long it was tried', async () => {
    await configure('gone', { retryFor: 3 });
    const running = pickup([], { cwd: project.dir });
    await proxy.sentMore(256 * 1024);
    await proxy.down();
    const result = await running;
    await proxy.up();
    expect(result.code).toBe(1);
    const failure =
      /target nas: failed: rsync exited with code (12|255): ssh could not connect \(ssh: connect to host .*: Connection refused\)/;
    expect(result.stderr).toMatch(failure);
    const [, attempts, seconds] =
      /; gave up sending the files after (\d+) attempts over (\d+) s\n/.exec(result.stderr) ?? [];
    expect(Number(attempts)).toBeGreaterThanOrEqual(2);
    expect(Number(seconds)).toBeGreaterThanOrEqual(3);
    expect(onServer(join(server.home, remote, 'gone')).complete).toEqual([]);
  });

  it('a transfer that ran longer than retryFor and lost its connection is tried again all the same', async () => {
    await configure('long', { retryFor: 1 }, '512k');
    const running = pickup([], { cwd: project.dir });
    await proxy.sentMore(768 * 1024); // 1.5 s into the transfer
    proxy.cut();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /sending the files: rsync exited with code (12|255): the connection was lost .*; trying again in 1 s/,
    );
    expect(onServer(join(server.home, remote, 'long')).complete).toHaveLength(1);
  });

  it('unreachable for ~5 s mid-push: tried again (retryFor: its default, 60 s), the run ends 0 and the backup verifies', async () => {
    await configure('restart', {});
    const running = pickup([], { cwd: project.dir });
    await proxy.sentMore(256 * 1024);
    await proxy.down();
    await sleep(5000);
    await proxy.up();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /sending the files: rsync exited with code (12|255): the connection was lost during the transfer .*; trying again/,
    );
    expect(result.stderr).toMatch(
      /sending the files: rsync exited with code (12|255): ssh could not connect \(.*Connection refused\); trying again/,
    );
    const folder = join(server.home, remote, 'restart');
    expect(onServer(folder).complete).toHaveLength(1);
    expect(onServer(folder).partial).toEqual([]);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code, verify.stderr).toBe(0);
  });
});
