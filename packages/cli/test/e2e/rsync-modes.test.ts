// needs: ssh
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, pickup, type Project } from '../helpers/project.js';
import { rsyncTarget } from '../helpers/rsync-target.js';
import { backupsOnDisk as onServer, ssh, type Ssh } from '../../../../test/servers.js';

/** Every entry below `folder` (itself included) with its mode, as `path mode` lines. */
function modes(folder: string, prefix = ''): string[] {
  const lines = [`${prefix || '.'} ${(statSync(folder).mode & 0o777).toString(8)}`];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) lines.push(...modes(path, `${prefix}${entry.name}/`));
    else lines.push(`${prefix}${entry.name} ${(statSync(path).mode & 0o777).toString(8)}`);
  }
  return lines;
}

describe('rsync target: what the server stores is private', () => {
  let server: Ssh;
  let project: Project;
  let remote: string;

  beforeAll(async () => {
    server = ssh();
    remote = `pickup-modes-${randomBytes(4).toString('hex')}`;
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
  });
  afterAll(async () => {
    await rm(join(server.home, remote), { recursive: true, force: true });
    await project.remove();
  });

  it('a file staged with mode 0644 is stored 0600, folders 0700, in both backups of two runs (the second hard-linked)', async () => {
    await project.writeConfig({
      // The fixture writes its file with the umask's default mode, as pg_dump does: 0644 under umask 022.
      sources: [{ name: 'dump', use: 'fixture', with: { text: 'CREATE TABLE t (id int);\n' } }],
      targets: [rsyncTarget(server, `${remote}/backups`)],
    });
    const umask022 = ['sh', '-c', 'umask 022 && exec "$@"', 'sh'];
    for (let i = 0; i < 2; i++) {
      const run = await pickup([], { cwd: project.dir, wrap: umask022 });
      expect(run.code, run.stderr).toBe(0);
    }
    const folder = join(server.home, remote, 'backups');
    const { complete } = onServer(folder);
    expect(complete).toHaveLength(2);
    for (const id of complete) {
      expect(modes(join(folder, id)).sort(), id).toEqual([
        '. 700',
        'dump/ 700',
        'dump/fixture.txt 600',
        'manifest.json 600',
      ]);
    }
    // The second backup's file is the first one's, hard-linked: one inode, one mode.
    const [first, second] = complete.map((id) => statSync(join(folder, id, 'dump/fixture.txt')));
    expect(second!.ino).toBe(first!.ino);
  });
});
