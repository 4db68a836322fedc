// needs: ssh, restic
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, makeProject, pickup, type Project } from '../helpers/project.js';
import { writePasswordFile } from '../helpers/restic.js';
import { ssh } from '../../../../test/servers.js';

describe('restic target: bad input gets one clear line', () => {
  let project: Project;

  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a\n');
    await writePasswordFile(project);
    await writePasswordFile(project, 'wrong-password', 'not the password');
    // A restic too old: it answers `version` as restic 0.9.6 did.
    await writeFile(
      project.path('old-restic'),
      '#!/bin/sh\necho "restic 0.9.6 compiled with go1.13.8 on linux/amd64"\n',
    );
    await chmod(project.path('old-restic'), 0o755);
    // The repository, made by one good run.
    await project.writeConfig(config());
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
  });
  afterAll(() => project.remove());

  function config(extra: Record<string, unknown> = {}) {
    return {
      sources: [{ name: 'files', use: 'folder', with: { path: './data', compression: 'none' } }],
      targets: [
        {
          name: 'vault',
          use: 'restic',
          with: { repository: './repository', passwordFile: './restic-password', init: true, ...extra },
        },
      ],
    };
  }

  /** `pickup check` and `pickup run` with these options: the line each prints, and their exit codes. */
  async function fails(
    extra: Record<string, unknown>,
  ): Promise<{ check: string; run: string; codes: [number | null, number | null] }> {
    await project.writeConfig(config(extra));
    const check = await pickup(['check'], { cwd: project.dir });
    const run = await pickup([], { cwd: project.dir });
    for (const result of [check, run]) {
      expect(hasStackTrace(result.stderr + result.stdout)).toBe(false);
      expect(result.stderr).not.toContain('correct horse');
    }
    const line = (text: string) =>
      text
        .split('\n')
        .filter((entry) => /error/.test(entry))
        .join('\n');
    return { check: line(check.stderr), run: line(run.stderr), codes: [check.code, run.code] };
  }

  it('restic missing, or too old', async () => {
    const missing = await fails({ restic: '/nonexistent/restic' });
    expect(missing.check).toMatch(
      /\/nonexistent\/restic was not found; install restic 0\.14\.0 or newer \(Debian: apt install restic\)/,
    );
    expect(missing.codes).toEqual([1, 1]);
    const old = await fails({ restic: './old-restic' });
    expect(old.check).toMatch(/is version 0\.9\.6; Pickup needs restic 0\.14\.0 or newer/);
    expect(old.run).toMatch(/is version 0\.9\.6/);
  });

  it('a wrong password, a repository that is not there', async () => {
    const wrong = await fails({ passwordFile: './wrong-password' });
    expect(wrong.check).toMatch(/passwordFile.*restic refused the password of repository .*repository: wrong password/);
    expect(wrong.check).not.toContain('not the password');
    const none = await fails({ repository: './nowhere', init: false });
    expect(none.check).toMatch(
      /repository.*there is no restic repository at .*nowhere; create it with restic init \(with the same password\) or set init: true/,
    );
    expect(none.run).toMatch(/there is no restic repository at/);
  });

  it('an sftp server that does not answer, or whose host key is not known', async () => {
    const server = ssh();
    const refused = await fails({
      repository: `sftp:${server.user}@127.0.0.1:/tmp/pickup-nowhere`,
      sftp: { port: 1, identityFile: server.key, knownHostsFile: server.knownHosts },
    });
    expect(refused.check).toMatch(/cannot reach restic repository sftp:/);
    await writeFile(project.path('empty-known-hosts'), '');
    const unknown = await fails({
      repository: `sftp:${server.user}@${server.host}:/tmp/pickup-nowhere`,
      sftp: { port: server.port, identityFile: server.key, knownHostsFile: './empty-known-hosts' },
    });
    expect(unknown.check).toMatch(
      /host key is not known \(strict host key checking is on\); add it after checking its fingerprint: ssh-keyscan -p \d+ 127\.0\.0\.1 >> /,
    );
  });

  it('an S3 endpoint where nothing listens', async () => {
    await writeFile(project.path('s3-secret'), 'a-secret-key-value\n', { mode: 0o600 });
    const result = await fails({
      repository: 's3:http://127.0.0.1:1/bucket/repo',
      env: { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
      envFiles: { AWS_SECRET_ACCESS_KEY: './s3-secret' },
    });
    expect(result.check).toMatch(
      /cannot reach restic repository s3:http:\/\/127\.0\.0\.1:1\/bucket\/repo: .*connection refused/,
    );
    expect(result.check + result.run).not.toContain('a-secret-key-value');
  });

  it('secrets in the wrong place are config errors naming the field', async () => {
    await project.writeConfig(config({ env: { AWS_SECRET_ACCESS_KEY: 'x', RESTIC_PASSWORD: 'y' } }));
    const result = await pickup(['check'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /env\.AWS_SECRET_ACCESS_KEY.*looks like a secret: put it in a file and name the file in envFiles/,
    );
    expect(result.stderr).toMatch(/env\.RESTIC_PASSWORD.*is set from repository and passwordFile or passwordCommand/);
  });
});
