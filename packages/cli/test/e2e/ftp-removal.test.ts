// needs: ftp
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBackupFolder, expectPrunedClean, killRemovals, listed } from '../helpers/killed-removals.js';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { backupsOnDisk, ftp } from '../../../../test/servers.js';

/** Subfolders of the backed-up folder: as many files in the backup, removed one FTP command each. */
const FOLDERS = 40;

describe('ftp target: a removal killed at any moment', () => {
  const server = ftp();
  const remote = `pickup-${randomBytes(4).toString('hex')}`;
  /** The backups' folder as the server's disk holds it. */
  const folder = join(server.home, remote, 'rm');
  let project: Project;

  beforeAll(async () => {
    project = await makeProject();
    await writeFile(project.path('ftp-password'), `${server.password}\n`, { mode: 0o600 });
    for (let i = 0; i < FOLDERS; i++) {
      await mkdir(project.path('home', `u${i}`), { recursive: true });
      await writeFile(project.path('home', `u${i}`, 'notes.txt'), `user ${i}\n`);
    }
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  // Made on the server's disk, owned by the FTP user as what it uploads.
  const copyBackup = (model: string, id: string) => copyBackupFolder(folder, model, id, statSync(server.home));

  /** Begun once a copy lost its name or one of its files. */
  const removalBegun = async (ids: string[]) =>
    ids.some((id) => {
      try {
        return readdirSync(join(folder, id, 'home/folders')).length < FOLDERS;
      } catch {
        return true; // gone, or going
      }
    });

  it('leaves no backup that lists complete with files missing, and the next prune removes what it left', async () => {
    await project.writeConfig(
      {
        sources: [{ name: 'home', use: 'folder-split', with: { path: './home', gzipLevel: 1 } }],
        targets: [
          {
            name: 'ftp',
            use: 'ftp',
            with: {
              host: server.host,
              port: server.port,
              user: server.user,
              passwordFile: './ftp-password',
              path: `${remote}/rm`,
            },
            retention: { keepLast: 1 },
          },
        ],
      },
      'pickup.config.json',
    );
    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const [model] = await listed(project);
    const cutMidway = await killRemovals({ project, copyBackup, removalBegun }, model!.id, [0, 10]);
    // Some kills landed in the middle of a removal: what they left listed as incomplete.
    expect(cutMidway).toBeGreaterThan(0);
    await expectPrunedClean(project, model!.id);
    expect(backupsOnDisk(folder)).toEqual({ complete: [model!.id], partial: [] });
  }, 60_000);
});
