// needs: ftp
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBackupFolder, listed } from '../helpers/killed-removals.js';
import { killTree, makeProject, pickup, type Project } from '../helpers/project.js';
import { writeRandomFile } from '../helpers/tree.js';
import { backupsOnDisk, ftp } from '../../../../test/servers.js';

/** Whether nothing listens on `port` (so a server of ours may). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `count` free ports in a row, at a random place above the ones the shared test servers use. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const first = randomInt(53000, 60000);
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await isFree(port);
    if (free) return first;
  }
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

describe('ftp target: the server restarting for a few seconds', () => {
  const server = ftp();
  const remote = `pickup-${randomBytes(4).toString('hex')}`;
  /** The backups' folder as the server's disk holds it. */
  const folder = join(server.home, remote, 'restart');
  let project: Project;
  let port = 0;
  let vsftpd: ChildProcess | undefined;

  /** A vsftpd of this test's own (the shared one must stay up), slowed to 8 MB/s so that an upload is in flight when it dies. */
  async function start(): Promise<void> {
    vsftpd = spawn('setsid', ['vsftpd', project.path('vsftpd.conf')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await listening(port)); i++) await sleep(50);
  }
  function stop(): void {
    if (vsftpd?.pid) killTree(vsftpd.pid);
    vsftpd = undefined;
  }

  beforeAll(async () => {
    project = await makeProject();
    port = await freePorts(21);
    const config = (await readFile(join(server.servers, 'ftp/vsftpd.conf'), 'utf8'))
      .replace(/^listen_port=.*$/m, `listen_port=${port}`)
      .replace(/^pasv_min_port=.*$/m, `pasv_min_port=${port + 1}`)
      .replace(/^pasv_max_port=.*$/m, `pasv_max_port=${port + 20}`)
      .replace(/^vsftpd_log_file=.*$/m, `vsftpd_log_file=${project.path('vsftpd.log')}`)
      .concat('local_max_rate=8000000\n');
    await writeFile(project.path('vsftpd.conf'), config);
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/big.bin'), 16 * 1024 * 1024);
    await project.writeConfig(
      {
        sources: [{ name: 'files', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [
          {
            name: 'ftp',
            use: 'ftp',
            with: {
              host: server.host,
              port,
              user: server.user,
              passwordFile: './ftp-password',
              path: `${remote}/restart`,
              timeout: 5,
            },
            retention: { keepLast: 1 },
          },
        ],
      },
      'pickup.config.json',
    );
    await start();
  });
  afterAll(async () => {
    stop();
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  /** Bytes of the archive the server holds so far, in the run's upload folder. */
  const uploaded = () => {
    const partial = backupsOnDisk(folder).partial[0];
    const file = partial ? join(folder, partial, 'files/files.tar.gz') : '';
    return partial && existsSync(file) ? statSync(file).size : 0;
  };

  it('a push cut off mid-upload for 5 s goes on once the server is back: exit 0, and the backup verifies', async () => {
    const run = pickup([], { cwd: project.dir });
    for (let i = 0; i < 600 && uploaded() < 4 * 1024 * 1024; i++) await sleep(20);
    expect(uploaded()).toBeGreaterThan(4 * 1024 * 1024);
    stop();
    await sleep(5000);
    await start();
    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/warning: target ftp: uploading files\/files\.tar\.gz: .*; trying again in \d+ s/);
    expect(backupsOnDisk(folder)).toMatchObject({ complete: [expect.any(String)], partial: [] });
    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code, verify.stderr).toBe(0);
  }, 40_000);

  it('pickup list and pickup prune started while the server is down for 5 s both work once it is back', async () => {
    const [newest] = backupsOnDisk(folder).complete;
    const older = '2020-01-01T000000.000Z';
    await copyBackupFolder(folder, newest!, older, statSync(server.home));
    stop();
    const list = pickup(['list', '--json'], { cwd: project.dir });
    const prune = pickup(['prune'], { cwd: project.dir });
    await sleep(5000);
    await start();
    const [listing, pruning] = await Promise.all([list, prune]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(JSON.parse(listing.stdout).targets[0].backups).toContainEqual(
      expect.objectContaining({ id: newest, status: 'complete' }),
    );
    expect(pruning.code, pruning.stderr).toBe(0);
    expect(pruning.stdout).toContain(`removed ${older} (retention)`);
    expect(await listed(project)).toEqual([expect.objectContaining({ id: newest, status: 'complete' })]);
    expect(backupsOnDisk(folder)).toEqual({ complete: [newest], partial: [] });
  }, 40_000);
});
