// needs: ssh
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { rsyncTarget } from '../helpers/rsync-target.js';
import { writeRandomFile } from '../helpers/tree.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';

/** The rsync and ssh processes on this machine (both ends of the transfer) whose command line names `word`. */
function transferProcesses(word: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone
    }
    const program = argv[0]?.split('/').at(-1);
    if ((program === 'rsync' || program === 'ssh') && argv.some((arg) => arg.includes(word)))
      found.push(`${pid} ${argv.join(' ')}`);
  }
  return found;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !condition(); i++) await sleep(25);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('rsync target: a run killed with kill -9 mid-transfer', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-kill-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/notes.txt'), 'notes\n');
    await writeRandomFile(project.path('data/photo.raw'), 4 * 1024 * 1024);
    await mkdir(project.path('tmp'));
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  it('leaves nothing running or behind once the next run has the lock; that run ends 0 and removes the leftover', async () => {
    const configure = (rate: string) =>
      project.writeConfig({
        sources: [{ name: 'files', use: 'folder', with: { path: './data', gzipLevel: 1 } }],
        targets: [rsyncTarget(server, `${remote}/backups`, { rsyncArgs: [`--bwlimit=${rate}`] })],
      });
    // Pickup's temp folders go here, where nothing else puts any.
    const env = { TMPDIR: project.path('tmp') };
    const folder = join(server.home, remote, 'backups');

    await configure('512k'); // 8 s for the whole transfer
    let pid = 0;
    const killed = pickup([], { cwd: project.dir, env, onSpawn: (spawned) => (pid = spawned) });
    await until(() => onServer(folder).partial.length === 1, 'the first push to begin');
    const first = onServer(folder).partial[0]!.replace(/\.partial$/, '');
    await sleep(1000);
    process.kill(pid, 'SIGKILL');
    expect((await killed).code).toBe(null);
    // Pickup is gone; its transfer is not (yet).
    expect(transferProcesses(first)).not.toEqual([]);

    await configure('2m'); // 2 s: long enough to look around while it pushes
    const next = pickup([], { cwd: project.dir, env });
    let second: string | undefined;
    const leftWhilePushing: string[] = [];
    await until(() => {
      second ??= onServer(folder)
        .partial.find((name) => !name.startsWith(first))
        ?.replace(/\.partial$/, '');
      if (second && transferProcesses(second).length > 0) leftWhilePushing.push(...transferProcesses(first));
      return onServer(folder).complete.length > 0;
    }, 'the next run to store its backup');
    const result = await next;
    expect(second, 'the next run was seen pushing').toBeDefined();
    expect(leftWhilePushing).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/ending rsync \(pid \d+\), left running by an interrupted run/);
    expect(result.stdout).toContain(`target nas: removed ${first}.partial (incomplete)`);
    expect(onServer(folder)).toEqual({ complete: [second], partial: [] });
    expect(readdirSync(project.path('tmp')).filter((name) => /^pickup-(rsync|tmp)-/.test(name))).toEqual([]);
  });
});
