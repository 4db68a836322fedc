// needs: time
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, repoRoot, type Project } from '../helpers/project.js';

/** Processes whose command line has `marker`: [pid, command line]. */
function processesWith(marker: string): [number, string][] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid): [number, string][] => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return command.includes(marker) ? [[Number(pid), command]] : [];
      } catch {
        return [];
      }
    });
}

/** The children records in a staging root (one folder per config, each with a `children` folder). */
function childRecords(stagingRoot: string): string[] {
  if (!existsSync(stagingRoot)) return [];
  return readdirSync(stagingRoot).flatMap((config) => {
    const children = join(stagingRoot, config, 'children');
    return existsSync(children) ? readdirSync(children).filter((name) => /^\d+$/.test(name)) : [];
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('what a run leaves behind', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await symlink(join(repoRoot, 'examples/pickup-source-command'), project.path('node_modules/pickup-source-command'));
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
  });
  afterAll(() => project.remove());

  it('no empty folder per config in the staging area after a run, check, restore or prune', async () => {
    await project.writeConfig({
      staging: './staging',
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [
        { name: 'disk', use: 'folder', with: { path: './backups', createPath: true }, retention: { keepLast: 1 } },
      ],
    });
    for (const command of [[], ['check'], ['restore', '--source', 'files', '--to', './restored'], ['prune'], []]) {
      const result = await pickup(command, { cwd: project.dir });
      expect(result.code, command.join(' ')).toBe(0);
      expect(await readdir(project.path('staging')), command.join(' ')).toEqual([]);
    }
  });

  it('a run killed with SIGKILL: the next run ends the program it left running and removes its temp folders first', async () => {
    const marker = `${3000 + Math.floor(Math.random() * 1000)}.5`;
    await project.writeConfig({
      staging: './leftover-staging',
      sources: [
        { name: 'slow', use: 'command', with: { command: ['sh', '-c', `touch started.flag; exec sleep ${marker}`] } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    let pid = 0;
    const killed = pickup([], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
    // Started, and recorded: Pickup writes the record just after the spawn, and on a busy machine the
    // command can be quicker (a Pickup killed in that moment leaves a program no run knows about).
    await waitFor(
      () =>
        existsSync(project.path('started.flag')) &&
        processesWith(`sleep ${marker}`).length > 0 &&
        childRecords(project.path('leftover-staging')).length > 0,
      'the command to start and be recorded',
    );
    // What a tool's private temp folder of that run looks like (a passfile's, a file list's).
    const abandoned = join(tmpdir(), `pickup-tmp-${pid}-pgpass-test01`);
    await mkdir(abandoned);
    await writeFile(join(abandoned, 'pgpass'), '*:*:*:*:secret\n');
    process.kill(pid, 'SIGKILL');
    expect((await killed).code).toBe(null);
    expect(processesWith(`sleep ${marker}`)).toHaveLength(1); // a killed Pickup's children go on

    await project.writeConfig({
      staging: './leftover-staging',
      sources: [{ name: 'quick', use: 'command', with: { command: ['echo', 'hello'] } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const next = await pickup([], { cwd: project.dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/warning: ending sh \(pid \d+\), left running by an interrupted run, before going on/);
    expect(processesWith(`sleep ${marker}`)).toEqual([]);
    expect(existsSync(abandoned)).toBe(false);
  });
});
