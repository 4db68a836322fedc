import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { completeBackups, hasStackTrace, makeProject, pickup, repoRoot } from '../helpers/project.js';

/** npm without a registry: whatever it must fetch fails at once, and nothing leaves this machine. */
const offlineNpm = (dir: string) => ({
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_fetch_retries: '0',
  npm_config_cache: join(dir, '.npm-cache'),
  npm_config_update_notifier: 'false',
});

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(hasStackTrace(stderr)).toBe(false);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trimEnd();
}

describe('pickup init asks the plugins for their templates', () => {
  const folders: string[] = [];
  const bareFolder = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pickup-test-'));
    folders.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('writes a plugin without a template with an empty `with` to fill, and the config runs', async () => {
    const project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    folders.push(project.dir);
    const wrong = await pickup(['init', '--yes', '--source', 'tape'], { cwd: project.dir });
    expect(wrong.code).toBe(2);
    // The choices offered: the official plugins, then the ones installed there.
    expect(oneLine(wrong.stderr)).toContain(
      "expected folder, folder-split, postgres, mysql, fixture or a plugin's package name",
    );

    const init = await pickup(['init', '--yes', '--source', 'fixture', '--target-path', 'backups'], {
      cwd: project.dir,
    });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const config = await readFile(project.path('pickup.config.ts'), 'utf8');
    expect(config).toContain(
      [
        "      name: 'fixture',",
        "      use: 'fixture', // pickup-source-fixture",
        '      // pickup-source-fixture offers no template for pickup init: fill in its options as its docs say (pickup check names what is missing)',
        '      with: {},',
      ].join('\n'),
    );
    expect(JSON.parse(await readFile(project.path('package.json'), 'utf8')).dependencies).toMatchObject({
      'pickup-source-fixture': '^1.2.3',
    });

    const run = await pickup(['--quiet'], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    expect(await readFile(project.path('backups', backup!, 'fixture/fixture.txt'), 'utf8')).toBe(
      'hello from a third-party plugin\n',
    );
  });

  it('with --no-install, refuses a plugin that is not installed in one line naming it and the npm command, writing nothing', async () => {
    const dir = await bareFolder();
    const init = await pickup(['init', '--yes', '--no-install', '--source', 'postgres'], { cwd: dir });
    expect(init.code).toBe(2);
    expect(oneLine(init.stderr)).toBe(
      `pickup init: @pickup/source-postgres, @pickup/target-folder are not installed in ${dir}; install them with: ` +
        `cd ${dir} && npm install @pickup/source-postgres @pickup/target-folder (or leave out --no-install)`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('installs the plugins that are missing with npm install, then writes what their templates say', {
    timeout: 60_000,
  }, async () => {
    const dir = await bareFolder();
    // Packages npm installs from folders, as it would from the registry; @pickup/cli stands in for the real one.
    for (const name of ['pickup-source-plain', 'pickup-target-plain']) {
      await cp(join(repoRoot, 'packages/cli/test/fixtures', name), join(dir, 'vendor', name), { recursive: true });
    }
    await mkdir(join(dir, 'vendor/cli'));
    await writeFile(join(dir, 'vendor/cli/package.json'), JSON.stringify({ name: '@pickup/cli', version: '0.0.0' }));
    const packageJson = {
      name: 'my-backups',
      private: true,
      dependencies: {
        'pickup-source-plain': 'file:vendor/pickup-source-plain',
        'pickup-target-plain': 'file:vendor/pickup-target-plain',
      },
      devDependencies: { '@pickup/cli': 'file:vendor/cli' },
    };
    await writeFile(join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));

    const init = await pickup(
      [
        'init',
        '--yes',
        '--source',
        'pickup-source-plain',
        '--target',
        'pickup-target-plain',
        '--db-host',
        'cache.internal',
        '--target-path',
        'shelf',
      ],
      { cwd: dir, env: offlineNpm(dir) },
    );
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`installing pickup-source-plain, pickup-target-plain: npm install in ${dir}\n`);
    expect(existsSync(join(dir, 'node_modules/pickup-source-plain/package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules/pickup-target-plain/package.json'))).toBe(true);

    const config = await readFile(join(dir, 'pickup.config.ts'), 'utf8');
    expect(config).toContain(
      [
        "      name: 'plain',",
        "      use: 'pickup-source-plain', // pickup-source-plain: the keys of a cache server",
        '      with: {',
        "        host: 'cache.internal',",
        '        port: 6380,',
        "        passwordFile: './cache-password', // its password on the first line",
        "        databases: 'all',",
        "        // tls: { ca: './ca.pem', verify: true }, // for a server with TLS",
        '      },',
      ].join('\n'),
    );
    expect(config).toContain(
      [
        "      name: 'shelf',",
        "      use: 'pickup-target-plain', // pickup-target-plain: backups on a shelf",
        '      with: {',
        `        path: '${join(dir, 'shelf')}',`,
      ].join('\n'),
    );
    // npm install ran: the next steps do not say to run it, and name the file the source needs.
    expect(init.stdout).not.toContain('npm install\n');
    expect(init.stdout).toContain(
      `Put the password of the cache at cache.internal on the first line of ${join(dir, 'cache-password')}, mode 600:`,
    );
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject(packageJson);
  });

  it('when npm install fails, says so in one line, having written the package.json but no config', {
    timeout: 60_000,
  }, async () => {
    const dir = await bareFolder();
    const init = await pickup(['init', '--yes', '--source-path', '/srv', '--source', 'postgres'], {
      cwd: dir,
      env: offlineNpm(dir),
    });
    expect(init.code).toBe(3);
    expect(oneLine(init.stderr)).toMatch(
      new RegExp(
        `^pickup init: npm install in ${dir} failed \\(exit 1: .*ECONNREFUSED.*\\); run it there yourself, then pickup init again$`,
      ),
    );
    // One npm install for every plugin, the folder source that --source-path implies included.
    const installing = `installing @pickup/source-folder, @pickup/source-postgres, @pickup/target-folder: npm install in ${dir}`;
    expect(init.stdout).toContain(`wrote ${join(dir, 'package.json')}\n${installing}\n`);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).dependencies).toMatchObject({
      '@pickup/source-folder': '0.x',
      '@pickup/source-postgres': '0.x',
      '@pickup/target-folder': '0.x',
    });
    expect(existsSync(join(dir, 'pickup.config.ts'))).toBe(false);
  });
});
