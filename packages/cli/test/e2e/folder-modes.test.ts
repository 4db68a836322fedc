import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** Every file and folder under `root` with its permission bits, `root` itself included. */
async function modesUnder(root: string): Promise<{ path: string; folder: boolean; mode: number; ino: number }[]> {
  const found = [];
  const stats = await stat(root);
  found.push({ path: root, folder: stats.isDirectory(), mode: stats.mode & 0o777, ino: stats.ino });
  if (stats.isDirectory()) for (const name of await readdir(root)) found.push(...(await modesUnder(join(root, name))));
  return found;
}

describe('folder target: what it stores is private', () => {
  let project: Project;

  beforeAll(async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
    await mkdir(project.path('backups'));
  });
  afterAll(() => project.remove());

  it('stores every file 0600 and every folder 0700, a file staged 0644 and a hard-linked one too', async () => {
    await project.writeConfig({
      sources: [
        { name: 'notes', use: 'fixture' }, // writes its file with the default mode: 0644 under umask 022
        { name: 'files', use: 'folder', with: { path: './data' } },
      ],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups' } }],
    });
    const first = await pickup(['--quiet'], { cwd: project.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [older] = await completeBackups(project.path('backups'));
    const stored = await modesUnder(project.path('backups', older!));
    expect(stored.map((entry) => entry.path)).toContain(project.path('backups', older!, 'notes/fixture.txt'));
    for (const entry of stored)
      expect(`${entry.path} ${entry.mode.toString(8)}`).toBe(`${entry.path} ${entry.folder ? '700' : '600'}`);

    // A file stored readable by others (by an earlier version) that the next backup hard-links.
    await chmod(project.path('backups', older!, 'notes/fixture.txt'), 0o644);
    await sleep(5);
    const second = await pickup(['--quiet'], { cwd: project.dir });
    expect(second.code).toBe(0);
    const newer = (await completeBackups(project.path('backups'))).find((id) => id !== older)!;
    const linked = await stat(project.path('backups', newer, 'notes/fixture.txt'));
    expect(linked.ino).toBe((await stat(project.path('backups', older!, 'notes/fixture.txt'))).ino);
    for (const entry of [
      ...(await modesUnder(project.path('backups', older!))),
      ...(await modesUnder(project.path('backups', newer))),
    ]) {
      expect(`${entry.path} ${entry.mode.toString(8)}`).toBe(`${entry.path} ${entry.folder ? '700' : '600'}`);
    }
  });
});
