import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { writeRandomFile } from '../helpers/tree.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';
import { knownHostsThrough, Proxy } from './rsync-proxy.js';

describe('rsync target: a server restarting mid-push', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;
  let proxy: Proxy;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-restart-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/notes.txt'), 'notes\n');
    await writeRandomFile(project.path('data/photo.raw'), 1024 * 1024);
    proxy = new Proxy({ host: server.host, port: server.port });
    await proxy.up();
    await knownHostsThrough(proxy, server, project.path('known_hosts'));
  });
  afterAll(async () => {
    await proxy.down().catch(() => {});
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  it('unreachable for ~5 s mid-push: tried again, the run ends 0 and the backup verifies', async () => {
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
      targets: [
        {
          name: 'nas',
          use: 'rsync',
          // Through the proxy, slowed down so that the transfer is under way when the server goes; retryFor: its default, 60 s.
          with: {
            dest: `${server.user}@127.0.0.1:${remote}/backups`,
            port: proxy.port,
            identityFile: server.key,
            knownHostsFile: './known_hosts',
            createPath: true,
            rsyncArgs: ['--bwlimit=1m'],
          },
        },
      ],
    });
    const running = pickup([], { cwd: project.dir });
    await proxy.sentMore(256 * 1024);
    await proxy.down();
    await sleep(5000);
    await proxy.up();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/sending the files: rsync exited with code (12|255): the connection was lost during the transfer .*; trying again/);
    expect(result.stderr).toMatch(/sending the files: rsync exited with code (12|255): ssh could not connect \(.*Connection refused\); trying again/);
    const folder = join(server.home, remote, 'backups');
    expect(onServer(folder).complete).toHaveLength(1);
    expect(onServer(folder).partial).toEqual([]);
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code, verify.stderr).toBe(0);
  });
});
