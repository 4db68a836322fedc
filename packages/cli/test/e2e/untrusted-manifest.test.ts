// needs: time
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, hasStackTrace, makeProject, pickup, type Project } from '../helpers/project.js';

/**
 * Whoever holds a target can change a backup's manifest. The target here is a third party's that checks
 * nothing (it reads whatever path it is asked for): the core must check the manifest first.
 */
describe('a manifest read from a target is untrusted input', () => {
  let project: Project;
  let manifestFile: string;
  let original: string;
  const outside = `/tmp/pickup-outside-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    project = await makeProject({ fixtures: ['pickup-target-trusting'] });
    await mkdir(project.path('data/d'), { recursive: true });
    await writeFile(project.path('data/d/file.txt'), 'precious\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'shared', use: 'trusting', with: { path: './backups' } }],
    });
    expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    manifestFile = project.path('backups', backup!, 'manifest.json');
    original = await readFile(manifestFile, 'utf8');
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
    await project.remove();
  });

  /** The manifest with its first file changed by `change`. */
  const tamper = async (change: (file: Record<string, unknown>) => void) => {
    const manifest = JSON.parse(original);
    change(manifest.sources[0].files[0]);
    await writeFile(manifestFile, JSON.stringify(manifest));
  };

  it('a path that leads out of the backup: restore and verify say the backup is damaged (exit 1) and touch nothing outside', async () => {
    await tamper((file) => (file.path = `files/../../../../../../../../../..${outside}/x`));
    const restore = await pickup(['restore', '--source', 'files', '--to', './restored'], { cwd: project.dir });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(
      /backup \S+ at target shared is damaged: its manifest is not valid: sources\[0\]\.files\[0\]\.path: is not a path inside the backup/,
    );
    expect(hasStackTrace(restore.stderr + restore.stdout)).toBe(false);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(project.path('restored'))).toBe(false);

    const verify = await pickup(['verify'], { cwd: project.dir });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/is damaged: its manifest is not valid/);
    const list = await pickup(['list', '--json'], { cwd: project.dir });
    expect(JSON.parse(list.stdout).targets[0].backups[0]).toMatchObject({ status: 'damaged' });
  });

  it('a file of another source, a size that is not a size, a digest that is not one: damaged, each named', async () => {
    const cases: [(file: Record<string, unknown>) => void, RegExp][] = [
      [(file) => (file.path = 'other/x.tar.gz'), /files\[0\]\.path: is not in the folder of source files/],
      [(file) => (file.size = -1), /files\[0\]\.size: /],
      [(file) => (file.sha256 = '../etc'), /files\[0\]\.sha256: is not a sha256 in hex/],
    ];
    for (const [change, problem] of cases) {
      await tamper(change);
      const restore = await pickup(['restore', '--source', 'files', '--to', './restored'], { cwd: project.dir });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(problem);
      expect(existsSync(project.path('restored'))).toBe(false);
    }
  });

  it('the untouched manifest restores', async () => {
    await writeFile(manifestFile, original);
    const restore = await pickup(['restore', '--source', 'files', '--to', './restored'], { cwd: project.dir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await readFile(project.path('restored/d/file.txt'), 'utf8')).toBe('precious\n');
  });
});

describe('pickup restore latest passes over a backup in which the source failed, and says so', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
  });
  afterAll(() => project.remove());

  it('takes the newest backup where the source succeeded, with one line naming what it passed over and why', async () => {
    await mkdir(project.path('a'));
    await mkdir(project.path('b'));
    await writeFile(project.path('a/one.txt'), 'a\n');
    await writeFile(project.path('b/two.txt'), 'b\n');
    await project.writeConfig({
      sources: [
        { name: 'a', use: 'folder', with: { path: './a' } },
        { name: 'b', use: 'folder', with: { path: './b' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(0);
    const [good] = await completeBackups(project.path('backups'));
    await rm(project.path('b'), { recursive: true });
    expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(1); // b failed: a partial backup
    const newer = (await completeBackups(project.path('backups'))).sort().at(-1)!;

    const restore = await pickup(['restore', '--source', 'b', '--to', './b-restored'], { cwd: project.dir });
    expect(restore.code).toBe(0);
    const lines = restore.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `warning: restoring backup ${good}, the newest at target disk with source b; passed over ${newer} \\(source b failed in it\\)`,
      ),
    );
    expect(await readFile(project.path('b-restored/two.txt'), 'utf8')).toBe('b\n');
  });
});

describe('the folder target links unchanged files only inside its backups', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
  });
  afterAll(() => project.remove());

  it('a manifest changed to point out of its backup is no basis for linking: nothing outside is linked or changed', async () => {
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'the same every night\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(0);
    const [first] = await completeBackups(project.path('backups'));
    // A file elsewhere with the very bytes of the next night's archive, and the manifest pointing at it.
    await mkdir(project.path('elsewhere'));
    await copyFile(project.path('backups', first!, 'files/files.tar.gz'), project.path('elsewhere/files.tar.gz'));
    await chmod(project.path('elsewhere/files.tar.gz'), 0o644);
    const manifestFile = project.path('backups', first!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.sources[0].files[0].path = 'files/../../../elsewhere/files.tar.gz';
    await writeFile(manifestFile, JSON.stringify(manifest));

    expect((await pickup(['--quiet'], { cwd: project.dir })).code).toBe(0);
    const outside = await stat(project.path('elsewhere/files.tar.gz'));
    expect(outside.nlink).toBe(1);
    expect(outside.mode & 0o777).toBe(0o644);
  });
});
