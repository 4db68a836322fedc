// needs: ssh
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { rsyncTarget } from '../helpers/rsync-target.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';

/** Files and folders below `folder`. */
function countEntries(folder: string): number {
  return readdirSync(folder, { recursive: true }).length;
}

/** The `rm` and `mv` processes (the removal, at the server's end) whose command line names `word`: pid and last argument. */
function removals(word: string): { pid: number; path: string }[] {
  const found: { pid: number; path: string }[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const program = argv[0]?.split('/').at(-1) ?? '';
      if (['rm', 'mv'].includes(program) && argv.some((arg) => arg.includes(word)))
        found.push({ pid: Number(pid), path: argv.at(-1)! });
    } catch {
      // gone
    }
  }
  return found;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

describe('rsync target: removing a backup is as safe as storing one', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-rm-${randomBytes(4).toString('hex')}`;
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/notes.txt'), 'notes\n');
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  it('pickup prune killed at several moments of a removal: whatever lists complete is whole and verifies; the next prune ends it', async () => {
    const target = rsyncTarget(server, `${remote}/backups`);
    const source = { name: 'files', use: 'folder', with: { path: './data' } };
    await project.writeConfig({ sources: [source], targets: [target] });
    for (let i = 0; i < 2; i++) expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(0);
    const folder = join(server.home, remote, 'backups');
    const [old, newest] = onServer(folder).complete;
    // Many files (beside the manifest's, which verify reads) make the removal last long enough to be cut in
    // its middle; counting them tells a whole backup from a half-removed one.
    mkdirSync(join(folder, old!, 'many'));
    for (let i = 0; i < 10_000; i++) writeFileSync(join(folder, old!, 'many', String(i)), '');
    const owner = statSync(folder);
    execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, join(folder, old!)]);
    const whole = new Map(onServer(folder).complete.map((id) => [id, countEntries(join(folder, id))]));

    await project.writeConfig({ sources: [source], targets: [{ ...target, retention: { keepLast: 1 } }] });
    let cutMidway = 0;
    for (const delay of [0, 20, 60]) {
      const { complete, partial } = onServer(folder);
      if (complete.length === 1 && partial.length === 0) break;
      let pid = 0;
      const pruning = pickup(['prune'], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
      let ended = false;
      void pruning.then(() => (ended = true));
      // Until an rm is at work on something there (not the one clearing a leftover that is not there).
      const removing = () =>
        removals(`${remote}/backups/`).some(
          ({ path }) => existsSync(join(server.home, path)) && !path.endsWith(`/${newest}`),
        );
      while (!ended && !removing()) await sleep(2);
      await sleep(delay);
      // Pickup killed, and the removal at the server's end with it (as when the connection drops with it).
      if (!ended) kill(pid);
      for (const removal of removals(`${remote}/backups/`)) kill(removal.pid);
      await pruning;
      if (onServer(folder).partial.length > 0) cutMidway++;

      const list = await pickup(['list', '--json'], { cwd: project.dir });
      expect(list.code, list.stderr).toBe(0);
      const listed = (JSON.parse(list.stdout) as { targets: { backups: { id: string; status: string }[] }[] })
        .targets[0]!.backups;
      const shown = listed.filter((backup) => backup.status !== 'incomplete').map((backup) => backup.id);
      expect(shown).toContain(newest);
      for (const id of shown)
        expect(countEntries(join(folder, id)), `${id} listed complete after a kill ${delay} ms in`).toBe(whole.get(id));
      const verified = await Promise.all(shown.map((id) => pickup(['verify', id], { cwd: project.dir })));
      for (const [i, verify] of verified.entries()) expect(verify.code, `${shown[i]}: ${verify.stderr}`).toBe(0);
    }
    expect(cutMidway, 'some kill landed in the middle of a removal').toBeGreaterThan(0);

    const prune = await pickup(['prune'], { cwd: project.dir });
    expect(prune.code, prune.stderr).toBe(0);
    expect(onServer(folder)).toEqual({ complete: [newest], partial: [] });
  });
});
