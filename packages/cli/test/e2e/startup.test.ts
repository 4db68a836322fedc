import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import module from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { recordLoadedModules } from '../helpers/loaded-modules.js';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** A package's files among the loaded modules (pnpm's layout or npm's). */
const of = (files: string[], name: string) => files.filter((file) => file.includes(`/node_modules/${name}/`));

/** Node 22.1 and later keep compiled code between runs; Node 20 cannot. */
const nodeHasCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('what a command loads', () => {
  let project: Project;
  afterEach(() => project?.remove());

  async function folderProject(extra: Record<string, unknown> = {}): Promise<void> {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a');
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      ...extra,
    });
  }

  it('pickup check loads the age library only for a config that encrypts', async () => {
    await folderProject();
    const loaded = await recordLoadedModules(project.dir);
    const plain = await pickup(['check'], { cwd: project.dir, env: loaded.env });
    expect(plain.code, plain.stderr).toBe(0);
    const files = await loaded.take();
    expect(of(files, 'zod')).not.toHaveLength(0); // what it needs is recorded: the list is real
    expect(of(files, 'age-encryption')).toEqual([]);
    expect(of(files, '@noble')).toEqual([]);

    const made = await pickup(['keygen', '--out', project.path('key.txt')], { cwd: project.dir });
    expect(made.code, made.stderr).toBe(0);
    const recipient = /public key \(recipient\): (age1\S+)/.exec(made.stdout)![1]!;
    await project.remove();
    await folderProject({ encryption: { recipients: [recipient] } });
    const encrypting = await recordLoadedModules(project.dir);
    const checked = await pickup(['check'], { cwd: project.dir, env: encrypting.env });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(`ok: encryption: age, to 1 recipient(s): ${recipient}`);
    expect(of(await encrypting.take(), 'age-encryption')).not.toHaveLength(0);
  });

  it('pickup run from cron loads no progress display and no age library', async () => {
    await folderProject();
    const loaded = await recordLoadedModules(project.dir);
    const result = await pickup(['run'], { cwd: project.dir, env: loaded.env });
    expect(result.code, result.stderr).toBe(0);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(readdirSync(project.path('logs'))).toContain('current.log');
    const files = await loaded.take();
    expect(of(files, 'pino')).not.toHaveLength(0);
    for (const name of ['cli-progress', 'age-encryption']) expect(of(files, name)).toEqual([]);
  });
});

describe('caches', () => {
  let project: Project;
  afterEach(() => project?.remove());

  /** Runs pickup check with `home` as the home folder; its lines without their times. */
  async function check(home: string, env: Record<string, string> = {}): Promise<string[]> {
    const result = await pickup(['check'], {
      cwd: project.dir,
      env: { HOME: home, XDG_CACHE_HOME: undefined, NODE_COMPILE_CACHE: undefined, ...env },
    });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''));
  }

  async function configProject(): Promise<void> {
    project = await makeProject();
    await mkdir(project.path('data'));
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  }

  it("go to the user's private ~/.cache/pickup, never into the config's folder", async () => {
    await configProject();
    const home = project.path('home');
    await mkdir(home);
    const first = await check(home);
    expect(await check(home)).toEqual(first);

    const cache = `${home}/.cache/pickup`;
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(
      readdirSync(`${cache}/jiti`).filter((name) => name.startsWith(`${project.dir.split('/').at(-1)}-pickup.config.`)),
    ).toHaveLength(1);
    expect(existsSync(project.path('node_modules/.cache'))).toBe(false);
    if (nodeHasCompileCache) expect(readdirSync(`${cache}/node-compile-cache`)).not.toHaveLength(0);
    else expect(existsSync(`${cache}/node-compile-cache`)).toBe(false);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns the compile cache off', async () => {
    await configProject();
    const home = project.path('home');
    await mkdir(home);
    await check(home, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(readdirSync(`${home}/.cache/pickup`)).toEqual(['jiti']);
  });

  it('a home folder that cannot hold them: the same lines, nothing written beside the config', async () => {
    await configProject();
    const home = project.path('home');
    await mkdir(home);
    const cached = await check(home);
    const notAFolder = project.path('not-a-folder');
    await writeFile(notAFolder, '');
    expect(await check(notAFolder)).toEqual(cached);
    expect(await check(notAFolder)).toEqual(cached);
    expect(existsSync(project.path('node_modules/.cache'))).toBe(false);
  });
});
