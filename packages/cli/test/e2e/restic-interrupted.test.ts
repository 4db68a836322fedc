// needs: restic, time
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { resticBy, writePasswordFile } from '../helpers/restic.js';
import { writeRandomFile } from '../helpers/tree.js';

/** The restic processes on this machine working on `repository`. */
function resticProcesses(repository: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.split('/').at(-1) !== 'restic') continue;
      // Pickup gives restic the repository in its environment; the test's own restic, in argv.
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (argv.includes(repository) || environment.includes(`RESTIC_REPOSITORY=${repository}`))
        found.push(`${pid} ${argv.join(' ')}`);
    } catch {
      // gone
    }
  }
  return found;
}

/** Bytes the running `restic backup` on `repository` has read so far (its /proc/PID/io), 0 if none runs. */
function backupRead(repository: string): number {
  const backup = resticProcesses(repository).find((line) => line.includes(' backup '));
  if (!backup) return 0;
  try {
    return Number(/^rchar: (\d+)/m.exec(readFileSync(`/proc/${backup.split(' ')[0]}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // gone
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (await condition()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Files below `folder` (restic's data packs, index files...), 0 if it is not there. */
async function filesIn(folder: string): Promise<number> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).length;
}

describe('restic target: runs killed midway, and another restic at work', () => {
  let project: Project;
  let admin: ReturnType<typeof resticBy>;
  let repository: string;
  let passwordFile: string;

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/big.bin'), 40 * 1024 * 1024);
    passwordFile = await writePasswordFile(project);
    repository = project.path('repository');
    admin = resticBy(repository, { RESTIC_PASSWORD_FILE: passwordFile });
  });
  afterAll(() => project.remove());

  const configure = (extra: Record<string, unknown> = {}, keepLast = 2) =>
    project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', compression: 'none' } }],
      targets: [
        {
          name: 'vault',
          use: 'restic',
          with: { repository: './repository', passwordFile: './restic-password', init: true, ...extra },
          retention: { keepLast },
        },
      ],
    });

  it('a run killed with kill -9 at any point of the backup leaves no snapshot and no restic running; the next run needs no restic unlock', async () => {
    await configure();
    const first = await pickup([], { cwd: project.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // Slow uploads (restic's own limit: 20 s for the data) keep the backup going long enough to be cut
    // where wanted, even on a busy machine.
    await configure({ limitUpload: 2048 });
    const points: [string, () => boolean][] = [
      ['as soon as restic runs', () => resticProcesses(repository).some((line) => line.includes(' backup '))],
      ['a part of the way through the data', () => backupRead(repository) > 8 * 1024 * 1024],
    ];
    for (const [point, reached] of points) {
      // New bytes each time: data restic already holds is not uploaded again, so the upload limit would not
      // slow it, and a busy machine could see the backup end before the kill lands.
      await writeRandomFile(project.path('data/big.bin'), 40 * 1024 * 1024);
      let pid = 0;
      const run = pickup([], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
      await until(reached, point);
      process.kill(pid, 'SIGKILL');
      await run;
      // restic ends with the run that started it; it writes no snapshot.
      await until(() => resticProcesses(repository).length === 0, `restic to end after the run was killed ${point}`);
      expect((await admin.snapshots()).length, `snapshots after a run killed ${point}`).toBe(1);
    }
    // Whole as restic sees it; a killed restic's lock is stale, and the next run removes it.
    expect(await admin.restic('check', '--no-lock')).toMatch(/no errors were found/);
    await configure();
    const next = await pickup([], { cwd: project.dir });
    // It says what it cleared of the killed run's, and nothing else.
    const unexpected = next.stderr
      .split('\n')
      .filter(
        (line) => line && !/warning: (removed staging left|ending .*left running) by an interrupted run/.test(line),
      );
    expect(unexpected).toEqual([]);
    expect(next.code).toBe(0);
    expect((await admin.snapshots()).length).toBe(2);
    expect(await admin.restic('check')).toMatch(/no errors were found/);
  });

  it('never removes the lock of a live restic process: a removal waits for it, then names it', async () => {
    await configure({}, 10);
    for (let run = 0; run < 2; run++) expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    await configure({ lockWait: 2 }, 1);
    // Another restic at work on the repository: a backup reading its data from a pipe that stays open.
    const other: ChildProcess = spawn(
      'restic',
      ['--repo', repository, 'backup', '--stdin', '--stdin-filename', 'stream', '--host', 'other-host'],
      {
        env: { ...process.env, RESTIC_PASSWORD_FILE: passwordFile },
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    const otherDone = new Promise<number | null>((resolve) => other.once('close', resolve));
    await until(async () => (await filesIn(`${repository}/locks`)) > 0, 'the other restic to lock the repository');
    const prune = await pickup(['prune'], { cwd: project.dir });
    expect(prune.code).not.toBe(0);
    const lines = prune.stderr.trim().split('\n');
    expect(
      lines.some((line) =>
        /is locked by another restic process \(PID \d+ on .*\); Pickup removes only stale locks/.test(line),
      ),
    ).toBe(true);
    expect(await filesIn(`${repository}/locks`), 'the live lock').toBeGreaterThan(0);
    other.stdin!.end('the other process finishes its work\n');
    expect(await otherDone).toBe(0);
    expect((await admin.snapshots('other-host')).length).toBe(1);
    // Once it is gone, the removal goes through.
    const again = await pickup(['prune'], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect((await admin.snapshots('other-host')).length).toBe(1);
  });
});
