// needs: time
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBackupFolder, expectPrunedClean, killRemovals } from '../helpers/killed-removals.js';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** Subfolders of the backed-up folder: as many archives in the backup, so that removing it takes a while. */
const FOLDERS = 300;

describe('folder target: a removal killed at any moment', () => {
  let project: Project;
  const backups = () => project.path('backups');

  beforeAll(async () => {
    project = await makeProject();
    for (let i = 0; i < FOLDERS; i++) {
      await mkdir(project.path('home', `u${i}`), { recursive: true });
      await writeFile(project.path('home', `u${i}`, 'notes.txt'), `user ${i}\n`);
    }
    await mkdir(backups());
  });
  afterAll(() => project.remove());

  const copyBackup = (model: string, id: string) => copyBackupFolder(backups(), model, id);

  /** Begun once a copy lost its name or one of its archives. */
  const removalBegun = async (ids: string[]) =>
    ids.some((id) => {
      try {
        return readdirSync(join(backups(), id, 'home/folders')).length < FOLDERS;
      } catch {
        return true; // gone, or going
      }
    });

  it('leaves no backup that lists complete with files missing, and the next prune removes what it left', async () => {
    await project.writeConfig(
      {
        sources: [{ name: 'home', use: 'folder-split', with: { path: './home', gzipLevel: 1 } }],
        targets: [{ name: 'usb', use: 'folder', with: { path: './backups' }, retention: { keepLast: 1 } }],
      },
      'pickup.config.json',
    );
    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const [model] = await completeBackups(backups());
    const cutMidway = await killRemovals({ project, copyBackup, removalBegun }, model!, [0, 1, 3]);
    // Some kills landed in the middle of a removal: what they left listed as incomplete.
    expect(cutMidway).toBeGreaterThan(0);
    await expectPrunedClean(project, model!);
    expect(readdirSync(backups())).toEqual([model]);
  }, 60_000);
});
