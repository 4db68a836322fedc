// needs: restic, time
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { compareTrees, makeAwkwardTree } from '../helpers/tree.js';
import { makeProject, pickup, type Project } from '../helpers/project.js';

describe("pickup init writes each official plugin's own template", () => {
  let project: Project;
  afterEach(() => project?.remove());

  it('folder-split into restic: a config that backs up and restores the same bytes once the password is there', {
    timeout: 90_000,
  }, async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('data'), { smallFiles: 10 });
    const init = await pickup(
      [
        'init',
        '--yes',
        '--source',
        'folder-split',
        '--source-path',
        'data',
        '--target',
        'restic',
        '--target-path',
        'repo',
      ],
      {
        cwd: project.dir,
      },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`on the first line of ${project.path('restic-password')}, mode 600:`);
    const config = await readConfig();
    expect(config).toContain(
      "use: 'folder-split', // @pickup/source-folder-split: one .tar.gz per top-level subfolder, and one for the rest",
    );
    expect(config).toContain(`repository: '${project.path('repo')}',`);

    await writeFile(project.path('restic-password'), 'correct horse battery staple\n', { mode: 0o600 });
    const run = await pickup(['run'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const restore = await pickup(['restore', '--source', 'data', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await compareTrees(project.path('restored'), project.path('data'))).toEqual([]);
  });

  it('s3: placeholders to edit, and a valid config whose check fails only for want of the secret key file', async () => {
    project = await makeProject();
    const init = await pickup(['init', '--yes', '--source-path', '/etc', '--target', 's3'], { cwd: project.dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      `Put the secret access key of the accessKeyId in pickup.config.ts on the first line of ${project.path('s3-secret')}, mode 600:`,
    );
    expect(await readConfig()).toContain(
      "secretAccessKeyFile: './s3-secret', // its secret access key on the first line; keep the file mode 600",
    );
    // 1, not 2: the options are valid; the key file is read before any request is made.
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`ok: config ${project.path('pickup.config.ts')}`);
    expect(check.stderr.trimEnd().split('\n')).toEqual([
      expect.stringContaining(`targets[0].with.secretAccessKeyFile: ${project.path('s3-secret')} does not exist`),
    ]);
  });

  it('rsync: the destination from the server questions, and the steps that make the ssh key and take the host key', async () => {
    project = await makeProject();
    const init = await pickup(
      [
        'init',
        '--yes',
        '--source',
        'mysql',
        '--target',
        'rsync',
        '--target-host',
        '127.0.0.1',
        '--target-user',
        'bk',
        '--target-path',
        '/srv/b',
      ],
      {
        cwd: project.dir,
      },
    );
    expect(init.code).toBe(0);
    expect(await readConfig()).toContain(
      "dest: 'bk@127.0.0.1:/srv/b', // from the user's home unless the path starts with /",
    );
    const lines = init.stdout.split('\n').map((line) => line.trim());
    expect(lines).toContain(`ssh-keygen -t ed25519 -N '' -f ${project.path('id_ed25519')}`);
    expect(lines).toContain(`ssh-keyscan 127.0.0.1 >> ${project.path('known_hosts')}`);
    // 1, not 2: every option is valid; the password file is missing, and no key logs in.
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`ok: config ${project.path('pickup.config.ts')}`);
    expect(check.stderr).toContain(`sources[0].with.passwordFile: ${project.path('mysql-password')} does not exist`);
  });

  function readConfig(): Promise<string> {
    return readFile(project.path('pickup.config.ts'), 'utf8');
  }
});
