import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

describe('plugins found by package name', () => {
  let project: Project;
  afterEach(() => project?.remove());

  it('runs a third-party pickup-source-* package installed beside the config, by its short name', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'fixture', with: { text: 'third party\n' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    expect(await readFile(project.path('backups', backup!, 'hello/fixture.txt'), 'utf8')).toBe('third party\n');
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.sources[0]).toMatchObject({ plugin: 'pickup-source-fixture', pluginVersion: '1.2.3' });
  });

  it('takes a full package name as given', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'pickup-source-fixture' }],
      targets: [{ name: 'disk', use: '@pickup/target-folder', with: { path: './backups', createPath: true } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
  });

  it('pickup plugins lists name, version, kind, where it was found and who uses it', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'fixture' }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups' } }],
    });
    const result = await pickup(['plugins'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `pickup-source-fixture 1\\.2\\.3 \\(source\\) at ${join(project.dir, 'node_modules/pickup-source-fixture')}, used by hello`,
      ),
    );
    expect(result.stdout).toMatch(/@pickup\/target-folder \d+\.\d+\.\d+ \(target\) at .*, used by disk/);
    expect(result.stdout).toMatch(/@pickup\/source-folder \d+\.\d+\.\d+ \(source\) at /);
  });

  it('refuses a package that is not a plugin of that kind, or speaks another plugin API', async () => {
    project = await makeProject();
    const fake = async (name: string, body: string) => {
      const dir = project.path('node_modules', name);
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, 'package.json'),
        JSON.stringify({ name, version: '9.9.9', type: 'module', main: 'index.js' }),
      );
      await writeFile(join(dir, 'index.js'), body);
    };
    await fake('pickup-source-notaplugin', 'export default { hello: "world" };');
    await fake(
      'pickup-source-future',
      'export default { kind: "source", apiVersion: 99, options: { safeParse() {} }, backup() {} };',
    );
    await fake(
      'pickup-target-wrongkind',
      'export default { kind: "source", apiVersion: 1, options: { safeParse() {} }, backup() {} };',
    );
    await project.writeConfig({
      sources: [
        { name: 'a', use: 'notaplugin' },
        { name: 'b', use: 'future' },
      ],
      targets: [{ name: 'c', use: 'wrongkind' }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /sources\[0\]\.use: pickup-source-notaplugin@9\.9\.9 is not a pickup source plugin: its default export was not made with defineSource/,
    );
    expect(result.stderr).toMatch(
      /sources\[1\]\.use: pickup-source-future@9\.9\.9 .*speaks plugin API 99, this pickup speaks 1/,
    );
    expect(result.stderr).toMatch(
      /targets\[0\]\.use: pickup-target-wrongkind@9\.9\.9 is not a pickup target plugin: it is a source plugin/,
    );
  });

  it('pickup check reports every source and target as ok when all is sound', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await mkdir(project.path('backups'));
    await project.writeConfig({
      sources: [
        { name: 'hello', use: 'fixture' },
        { name: 'files', use: 'folder', with: { path: './data' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups' } }],
    });
    const result = await pickup(['check'], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok: source hello: fixture writing \d+ bytes \(pickup-source-fixture 1\.2\.3\)/);
    expect(result.stdout).toMatch(/ok: source files: folder .*\/data \(@pickup\/source-folder/);
    expect(result.stdout).toMatch(/ok: target disk: folder .*\/backups \(@pickup\/target-folder/);
    expect(await readdir(project.path('backups'))).toEqual([]);
  });
});
