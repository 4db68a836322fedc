// needs: time
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { compareTrees, makeAwkwardTree } from '../helpers/tree.js';

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const target = { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } };

/** A plain tar, as a deduplicating store wants it: ustar headers, the files' bytes as they are, no compressor. */
async function expectPlainTar(archive: string, holds: string): Promise<void> {
  const bytes = await readFile(archive);
  expect(bytes.subarray(257, 262).toString()).toBe('ustar');
  expect(bytes.includes(Buffer.from(holds))).toBe(true);
  expect(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).length).toBeGreaterThan(0); // no -z, no --zstd
}

/** The sha256 the manifest gives each staged file, by path. */
async function manifestDigests(project: Project, backup: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(project.path('backups', backup, 'manifest.json'), 'utf8'));
  return Object.fromEntries(
    manifest.sources[0].files.map((file: { path: string; sha256: string }) => [file.path, file.sha256]),
  );
}

describe("folder source, compression: 'none'", () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('www'), { bigFile: 1024 * 1024 });
    await project.writeConfig({
      sources: [{ name: 'www', use: 'folder', with: { path: './www', compression: 'none' } }],
      targets: [target],
    });
  });
  afterAll(() => project.remove());

  it('stages a plain tar, the same bytes for an unchanged tree, and restores it byte for byte', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await pickup([], { cwd: project.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const [first, second] = (await completeBackups(project.path('backups'))).sort();
    expect(second).toBeDefined();
    expect(await readdir(project.path('backups', first!, 'www'))).toEqual(['www.tar']);
    await expectPlainTar(project.path('backups', first!, 'www/www.tar'), 'こんにちは\n');
    expect(await sha(project.path('backups', second!, 'www/www.tar'))).toBe(
      await sha(project.path('backups', first!, 'www/www.tar')),
    );
    expect(await manifestDigests(project, second!)).toEqual(await manifestDigests(project, first!));

    const restored = await pickup(['restore', '--source', 'www', '--to', project.path('back')], { cwd: project.dir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await compareTrees(project.path('back'), project.path('www'))).toEqual([]);
  });

  it('restores an uncompressed backup when the config says gzip again', async () => {
    await project.writeConfig({
      sources: [{ name: 'www', use: 'folder', with: { path: './www' } }],
      targets: [target],
    });
    const args = ['restore', '--source', 'www', '--only', 'Ünïcödé folder', '--to', project.path('back-gzip')];
    const restored = await pickup(args, { cwd: project.dir });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await readdir(project.path('back-gzip'))).toEqual(['Ünïcödé folder']);
    expect(await compareTrees(project.path('back-gzip/Ünïcödé folder'), project.path('www/Ünïcödé folder'))).toEqual(
      [],
    );
  });
});

describe("folder-split source, compression: 'none'", () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('home/alice'), { smallFiles: 20 });
    await mkdir(project.path('home/carol smith/empty'), { recursive: true });
    await writeFile(project.path('home/carol smith/notes.txt'), 'notes of carol\n');
    await writeFile(project.path('home/README'), 'a loose file at the top\n');
    await project.writeConfig({
      sources: [{ name: 'home', use: 'folder-split', with: { path: './home', compression: 'none' } }],
      targets: [target],
    });
  });
  afterAll(() => project.remove());

  it('stages one plain tar per folder and one for the loose files, the same bytes for an unchanged tree', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await pickup([], { cwd: project.dir });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const [first, second] = (await completeBackups(project.path('backups'))).sort();
    const digests = await manifestDigests(project, first!);
    expect(Object.keys(digests).sort()).toEqual([
      'home/folders/alice.tar',
      'home/folders/carol%20smith.tar',
      'home/top-level-files.tar',
    ]);
    await expectPlainTar(project.path('backups', first!, 'home/folders/carol%20smith.tar'), 'notes of carol\n');
    await expectPlainTar(project.path('backups', first!, 'home/top-level-files.tar'), 'a loose file at the top\n');
    expect(await manifestDigests(project, second!)).toEqual(digests);
    for (const path of Object.keys(digests))
      expect(await sha(project.path('backups', second!, path))).toBe(digests[path]);
  });

  it('restores all of it, or one folder with --only, byte for byte', async () => {
    const all = await pickup(['restore', '--source', 'home', '--to', project.path('back')], { cwd: project.dir });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(await compareTrees(project.path('back'), project.path('home'))).toEqual([]);

    const one = await pickup(['restore', '--source', 'home', '--only', 'carol smith', '--to', project.path('carol')], {
      cwd: project.dir,
    });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(await readdir(project.path('carol'))).toEqual(['carol smith']);
    expect(await compareTrees(project.path('carol/carol smith'), project.path('home/carol smith'))).toEqual([]);
  });
});
