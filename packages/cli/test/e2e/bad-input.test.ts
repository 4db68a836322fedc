// needs: time
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  completeBackups,
  hasStackTrace,
  makeProject,
  pickup,
  withoutPermissionOverride,
  type Project,
} from '../helpers/project.js';
import { writeRandomFile } from '../helpers/tree.js';

const folderToFolder = (source = './data', target = './backups') => ({
  sources: [{ name: 'files', use: 'folder', with: { path: source } }],
  targets: [{ name: 'disk', use: 'folder', with: { path: target, createPath: true } }],
});

/** Each bad input gets one clear line on stderr (per problem), the documented exit code, no stack trace. */
function expectCleanError(
  result: { code: number | null; stderr: string; stdout: string },
  code: number,
  pattern: RegExp,
) {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(pattern);
  expect(hasStackTrace(result.stderr)).toBe(false);
  expect(hasStackTrace(result.stdout)).toBe(false);
}

describe('bad input', () => {
  let project: Project;
  afterEach(() => project?.remove());

  it('a missing config file: exit 2, says where it looked and what to do', async () => {
    project = await makeProject();
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(result, 2, /no config file in .*pickup\.config\.ts.*pass --config FILE or set PICKUP_CONFIG/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const named = await pickup(['--config', 'nowhere.ts'], { cwd: project.dir });
    expectCleanError(named, 2, /nowhere\.ts \(from --config\) does not exist/);
  });

  it('a syntax error in the config: exit 2, names the file and the line', async () => {
    project = await makeProject();
    await project.writeConfig('{ sources: [ { name: "a" ', 'pickup.config.ts');
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(result, 2, /pickup\.config\.ts cannot be loaded: .*pickup\.config\.ts:\d+:\d+/);
  });

  it('invalid JSON config: exit 2', async () => {
    project = await makeProject();
    await project.writeConfig('{ "sources": [', 'pickup.config.json');
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(result, 2, /pickup\.config\.json is not valid JSON/);
  });

  it('an unknown plugin: exit 2, says which package to npm install', async () => {
    project = await makeProject();
    await project.writeConfig({ ...folderToFolder(), targets: [{ name: 'cloud', use: 'nimbus', with: {} }] });
    await mkdir(project.path('data'));
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(
      result,
      2,
      /targets\[0\]\.use: no target plugin "nimbus" is installed .*npm install @pickup\/target-nimbus \(or pickup-target-nimbus, for a plugin from a third party\)/,
    );
    expect(await completeBackups(project.path('backups'))).toEqual([]);
  });

  it('a typo in a plugin name: exit 2, suggests the installed plugin it resembles', async () => {
    project = await makeProject();
    await project.writeConfig({
      ...folderToFolder(),
      sources: [{ name: 'home', use: 'foldr-split', with: { path: './data' } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(
      result,
      2,
      /sources\[0\]\.use: no source plugin "foldr-split" is installed .*; did you mean "folder-split"\?/,
    );
    expect(result.stderr).not.toMatch(/npm install/);
  });

  it('an option of the wrong type: exit 2, names sources[1].with.path', async () => {
    project = await makeProject();
    const config = folderToFolder();
    config.sources.push({ name: 'more', use: 'folder', with: { path: 42 as unknown as string } });
    await project.writeConfig(config);
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(result, 2, /pickup\.config\.ts: sources\[1\]\.with\.path: .*expected string, received number/);
  });

  it('a typo in a top-level field, an option or a retention rule: exit 2, names it and suggests the one meant', async () => {
    project = await makeProject();
    await project.writeConfig({ ...folderToFolder(), stagin: '/tmp' });
    expectCleanError(await pickup([], { cwd: project.dir }), 2, /unknown field "stagin"; did you mean "staging"\?/);
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', exclued: ['*.tmp'] } }],
      targets: folderToFolder().targets,
    });
    expectCleanError(
      await pickup([], { cwd: project.dir }),
      2,
      /sources\[0\]\.with: unknown option "exclued"; did you mean "exclude"\?/,
    );
    await project.writeConfig({
      ...folderToFolder(),
      targets: [{ ...folderToFolder().targets[0], retention: { keepDayly: 7 } }],
    });
    expectCleanError(
      await pickup([], { cwd: project.dir }),
      2,
      /targets\[0\]\.retention: unknown rule "keepDayly"; did you mean "keepDaily"\?/,
    );
    await project.writeConfig({
      ...folderToFolder(),
      sources: [{ name: 'files', use: 'folder', with: { path: './data', zzzz: 1 } }],
    });
    expectCleanError(
      await pickup([], { cwd: project.dir }),
      2,
      /sources\[0\]\.with: unknown option "zzzz"; the options are: path, .*exclude/,
    );
  });

  it('a missing required option says it is required', async () => {
    project = await makeProject();
    await project.writeConfig({ ...folderToFolder(), sources: [{ name: 'files', use: 'folder', with: {} }] });
    expectCleanError(
      await pickup(['check'], { cwd: project.dir }),
      2,
      /sources\[0\]\.with\.path: is required; add it \(a string\)/,
    );
  });

  it('every config problem in one round: top-level fields and plugin options together', async () => {
    project = await makeProject();
    await project.writeConfig({
      ...folderToFolder(),
      stagin: '/tmp',
      sources: [{ name: 'files', use: 'folder', with: { pth: './data' } }],
    });
    const result = await pickup(['check'], { cwd: project.dir });
    expectCleanError(result, 2, /unknown field "stagin"/);
    expect(result.stderr).toMatch(/sources\[0\]\.with: unknown option "pth"; did you mean "path"\?/);
    expect(result.stderr).toMatch(/sources\[0\]\.with\.path: is required/);
  });

  it('a source folder that does not exist: exit 1, names the field, nothing at the target', async () => {
    project = await makeProject();
    await project.writeConfig(folderToFolder('./no-such-folder'));
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(result, 1, /sources\[0\]\.with\.path: folder .*no-such-folder does not exist/);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
    const check = await pickup(['check'], { cwd: project.dir });
    expectCleanError(check, 1, /sources\[0\]\.with\.path: folder .*no-such-folder does not exist/);
  });

  it('an empty source folder (a disk not mounted): a warning, the backup is partial so retention keeps the old ones', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    const withRetention = {
      ...folderToFolder(),
      targets: [{ ...folderToFolder().targets[0]!, retention: { keepLast: 1 } }],
    };
    await project.writeConfig(withRetention);
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(
      result,
      1,
      /warning: source files: folder .*data is empty \(is its disk mounted\?\); set allowEmpty: true if it may be/,
    );
    expect(result.stderr).toMatch(/retention skipped: this backup is partial/);
    await project.writeConfig({
      ...folderToFolder(),
      sources: [{ name: 'files', use: 'folder', with: { path: './data', allowEmpty: true } }],
    });
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
  });

  it('a source folder that cannot be read: exit 1, nothing at the target', async () => {
    project = await makeProject();
    await mkdir(project.path('data/secret'), { recursive: true });
    await writeFile(project.path('data/secret/file'), 'x');
    await chmod(project.path('data'), 0o000);
    await project.writeConfig(folderToFolder());
    const result = await pickup([], { cwd: project.dir, wrap: withoutPermissionOverride() });
    await chmod(project.path('data'), 0o755);
    expectCleanError(result, 1, /sources\[0\]\.with\.path: folder .*data cannot be read: permission denied/);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
  });

  it('an unreadable file inside the folder: a warning naming it, the backup lands marked partial, exit 1', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/readable'), 'ok');
    await writeFile(project.path('data/locked'), 'no');
    await chmod(project.path('data/locked'), 0o000);
    await project.writeConfig(folderToFolder());
    const result = await pickup([], { cwd: project.dir, wrap: withoutPermissionOverride() });
    expectCleanError(result, 1, /warning: source files: .*data\/locked cannot be read: permission denied/);
    const [backup] = await completeBackups(project.path('backups'));
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('partial');
    expect(manifest.sources[0].status).toBe('partial');

    // With onUnreadable: 'fail' the source fails instead, and nothing is pushed.
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data', onUnreadable: 'fail' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './strict', createPath: true } }],
    });
    const strict = await pickup([], { cwd: project.dir, wrap: withoutPermissionOverride() });
    expectCleanError(strict, 1, /source files: failed: .*locked cannot be read/);
    expect(await completeBackups(project.path('strict'))).toEqual([]);
  });

  it('a target folder that cannot be written: exit 1, names the field, leaves nothing there', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file'), 'content');
    await mkdir(project.path('readonly'));
    await chmod(project.path('readonly'), 0o555);
    await project.writeConfig(folderToFolder('./data', './readonly'));
    const result = await pickup([], { cwd: project.dir, wrap: withoutPermissionOverride() });
    expectCleanError(
      result,
      1,
      /target disk: failed: .*targets\[0\]\.with\.path: target folder .*readonly cannot be written: permission denied/,
    );
    expect(await readdir(project.path('readonly'))).toEqual([]);
  });

  it('a target folder that is missing (a disk not mounted) is not created unless asked', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await project.writeConfig({
      sources: folderToFolder().sources,
      targets: [{ name: 'usb', use: 'folder', with: { path: './mnt/usb' } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expectCleanError(
      result,
      1,
      /targets\[0\]\.with\.path: target folder .*mnt\/usb does not exist \(is its disk mounted\?\); create it, or set createPath: true/,
    );
    expect(await completeBackups(project.path('mnt/usb'))).toEqual([]);
  });

  it('the staging disk full: exit 3, says so, nothing at the target', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeRandomFile(project.path('data/big'), 4 * 1024 * 1024);
    await mkdir(project.path('tiny'));
    await project.writeConfig({ ...folderToFolder(), staging: './tiny' });
    // A private mount namespace with a 1 MiB tmpfs as the staging disk (no root needed).
    const mountAndRun = [
      'unshare',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      `mount -t tmpfs -o size=1m tmpfs "${project.path('tiny')}" && exec "$0" "$@"`,
    ];
    const result = await pickup([], { cwd: project.dir, wrap: mountAndRun });
    expectCleanError(result, 3, /the staging area .*tiny is full; nothing was pushed/);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
  });

  it('an unknown command-line option: exit 2 with one line', async () => {
    project = await makeProject();
    const result = await pickup(['--frobnicate'], { cwd: project.dir });
    expectCleanError(result, 2, /^pickup: Unknown argument: frobnicate; see pickup --help\n$/);
  });

  it('--only with a source the config does not have: exit 2', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await project.writeConfig(folderToFolder());
    const result = await pickup(['--only', 'nope'], { cwd: project.dir });
    expectCleanError(result, 2, /--only nope: no such source .*\(its sources: files\)/);
  });
});
