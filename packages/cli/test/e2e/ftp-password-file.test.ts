// needs: ftp
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { backupsOnDisk, ftp } from '../../../../test/servers.js';

describe('ftp target: passwordFile is read as every secret file', () => {
  const server = ftp();
  const remote = `pickup-${randomBytes(4).toString('hex')}`;
  let project: Project;

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  const config = (passwordFile: string) => ({
    sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
    targets: [
      {
        name: 'ftp',
        use: 'ftp',
        with: { host: server.host, port: server.port, user: server.user, passwordFile, path: remote },
      },
    ],
  });

  it('a password saved by a Windows editor, readable by others: it logs in, and warns once', async () => {
    await writeFile(project.path('ftp-password'), `${server.password} \r\n`, { mode: 0o644 });
    await project.writeConfig(config('./ftp-password'), 'pickup.config.json');
    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(
      run.stderr.match(/ftp-password holds a password and can be read by others \(mode 644\); chmod 600 it/g),
    ).toHaveLength(1);
    expect(backupsOnDisk(join(server.home, remote)).complete).toHaveLength(1);
  });

  it('an empty password file: an error naming the option, nothing tried', async () => {
    await writeFile(project.path('empty'), '\n', { mode: 0o600 });
    await project.writeConfig(config('./empty'), 'pickup.config.json');
    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /targets\[0\]\.with\.passwordFile: \S+empty is empty; write the password on its first line/,
    );
    expect(run.stderr).not.toMatch(/530|trying again/);
  });
});
