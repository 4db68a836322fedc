// needs: root, time
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareTrees } from '@pickup/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStackTrace, makeProject, pickup, repoRoot, type Project } from '../helpers/project.js';
import { makeAwkwardTree } from '../helpers/tree.js';

const cliVersion = (
  JSON.parse(await readFile(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string }
).version;

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  expect(hasStackTrace(stderr)).toBe(false);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr;
}

describe('pickup init --yes with flags, then check, run and restore', () => {
  let project: Project;
  let init: Awaited<ReturnType<typeof pickup>>;

  beforeAll(async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('data'), { smallFiles: 20 });
    init = await pickup(
      ['init', '--yes', '--source-path', project.path('data'), '--target-path', project.path('backups')],
      { cwd: project.dir },
    );
  });
  afterAll(() => project.remove());

  it('writes the config and package.json and says what to do next', () => {
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const lines = init.stdout.split('\n').map((line) => line.trim());
    expect(lines).toContain(`wrote ${project.path('pickup.config.ts')}`);
    expect(lines).toContain(`wrote ${project.path('package.json')}`);
    expect(lines).toContain(`cd ${project.dir} && npm install`);
    expect(lines).toContain('npx --no-install pickup check');
    expect(lines).toContain(`15 2 * * * cd ${project.dir} && npx --no-install pickup --quiet`);
  });

  it('writes a config that pickup check accepts, and that backs up and restores the same bytes', async () => {
    const config = await readFile(project.path('pickup.config.ts'), 'utf8');
    expect(config).toContain(`path: '${project.path('data')}'`);
    expect(config).toContain(`path: '${project.path('backups')}'`);

    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);

    const run = await pickup(['run'], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const list = await pickup(['list', '--json'], { cwd: project.dir });
    expect(list.code).toBe(0);
    const [target] = JSON.parse(list.stdout).targets;
    expect(target).toMatchObject({ name: 'local' });
    expect(target.backups).toHaveLength(1);
    expect(target.backups[0]).toMatchObject({ status: 'complete', sources: [{ name: 'data', status: 'ok' }] });

    const restore = await pickup(['restore', '--source', 'data', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await compareTrees(project.path('restored'), project.path('data'))).toEqual([]);
  });
});

describe('pickup init --yes alone', () => {
  let project: Project;
  let init: Awaited<ReturnType<typeof pickup>>;

  beforeAll(async () => {
    project = await makeProject();
    init = await pickup(['init', '--yes'], { cwd: project.dir });
  });
  afterAll(() => project.remove());

  it('writes a commented config for /etc into /var/backups/pickup, keeping 7 backups', async () => {
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const config = await readFile(project.path('pickup.config.ts'), 'utf8');
    expect(config.startsWith("import { defineConfig } from '@pickup/cli';\n")).toBe(true);
    expect(config).toContain("name: 'etc'");
    expect(config).toContain("path: '/etc'");
    expect(config).toContain("path: '/var/backups/pickup'");
    expect(config).toContain('createPath: true');
    expect(config).toContain('retention: { keepLast: 7 }');
  });

  it('shows hooks, notifications and encryption as comments only, pointing at their docs', async () => {
    const config = await readFile(project.path('pickup.config.ts'), 'utf8');
    for (const line of [
      "  // hooks: { before: 'systemctl stop myapp', after: 'systemctl start myapp', timeout: '30m' },",
      '  // notify: [',
      "  //   { type: 'ping', url: 'https://hc-ping.com/your-uuid' },           // start, success and fail pings",
      "  //   { type: 'webhook', url: 'https://example.com/hook', on: ['failure', 'partial'] },",
      "  //   { type: 'mail', to: 'root@localhost', on: ['failure', 'partial'] }, // through the local sendmail",
      '  // ],',
      "  // encryption: { recipients: ['age1...'] },",
    ]) {
      expect(config.split('\n')).toContain(line);
    }
    expect(
      config
        .split('\n')
        .filter((line) => /hooks:|notify:|encryption:|type: '/.test(line) && !line.trim().startsWith('//')),
    ).toEqual([]);
    expect(config).toContain('see the Pickup docs: docs/hooks.md');
    expect(config).toContain('see the Pickup docs: docs/notifications.md');
  });

  it('writes a package.json with the command and the two plugins', async () => {
    expect(JSON.parse(await readFile(project.path('package.json'), 'utf8'))).toEqual({
      name: 'pickup-config',
      private: true,
      type: 'module',
      dependencies: { '@pickup/cli': `^${cliVersion}`, '@pickup/source-folder': '0.x', '@pickup/target-folder': '0.x' },
    });
  });

  it('passes pickup check', async () => {
    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('source etc: folder /etc');
  });
});

describe('pickup init without a terminal and without --yes', () => {
  it('takes the defaults instead of waiting for answers', { timeout: 20_000 }, async () => {
    const project = await makeProject();
    try {
      const init = await pickup(['init'], { cwd: project.dir }); // the helper's stdin is /dev/null
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('stdin is not a terminal');
      expect(await readFile(project.path('pickup.config.ts'), 'utf8')).toContain("path: '/etc'");
    } finally {
      await project.remove();
    }
  });
});

describe('pickup init and an existing package.json', () => {
  it('keeps what is there and adds the missing dependencies', async () => {
    const project = await makeProject();
    try {
      const mine = {
        name: 'my-server-tools',
        version: '1.0.0',
        scripts: { backup: 'pickup --quiet' },
        dependencies: { 'left-pad': '^1.3.0', '@pickup/target-folder': '^0.5.0' },
      };
      await writeFile(project.path('package.json'), `${JSON.stringify(mine, null, 4)}\n`);
      const init = await pickup(['init', '--yes', '--source-path', '/srv'], { cwd: project.dir });
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain(
        `added @pickup/cli, @pickup/source-folder to the dependencies in ${project.path('package.json')}`,
      );
      const text = await readFile(project.path('package.json'), 'utf8');
      expect(text).toContain('\n    "name"'); // its indentation too
      expect(JSON.parse(text)).toEqual({
        ...mine,
        dependencies: {
          '@pickup/cli': `^${cliVersion}`,
          '@pickup/source-folder': '0.x',
          '@pickup/target-folder': '^0.5.0',
          'left-pad': '^1.3.0',
        },
      });
    } finally {
      await project.remove();
    }
  });
});

describe('pickup init and an existing config', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
  });
  afterAll(() => project.remove());

  it('refuses to overwrite it, with one line naming it, and writes nothing', async () => {
    const mine = 'export default { sources: [], targets: [] }; // mine\n';
    await writeFile(project.path('pickup.config.ts'), mine);
    const init = await pickup(['init', '--yes'], { cwd: project.dir });
    expect(init.code).toBe(2);
    expect(oneLine(init.stderr)).toBe(
      `pickup init: ${project.path('pickup.config.ts')} exists already; use --force to overwrite it, or another --dir\n`,
    );
    expect(await readFile(project.path('pickup.config.ts'), 'utf8')).toBe(mine);
    expect(existsSync(project.path('package.json'))).toBe(false);
  });

  it('refuses a config of any other name too', async () => {
    await mkdir(project.path('json'));
    await writeFile(project.path('json/pickup.config.json'), '{}');
    const init = await pickup(['init', '--yes', '--dir', 'json'], { cwd: project.dir });
    expect(init.code).toBe(2);
    expect(oneLine(init.stderr)).toContain(project.path('json/pickup.config.json'));
    expect(await readdir(project.path('json'))).toEqual(['pickup.config.json']);
  });

  it('overwrites it with --force', async () => {
    const init = await pickup(['init', '--yes', '--force'], { cwd: project.dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(await readFile(project.path('pickup.config.ts'), 'utf8')).toMatch(
      /^import \{ defineConfig \} from '@pickup\/cli';\n/,
    );
  });
});

describe('pickup init --source postgres --target ftp', () => {
  it('writes a valid config whose checks fail only for want of the password files', async () => {
    const project = await makeProject();
    try {
      const init = await pickup(['init', '--yes', '--source', 'postgres', '--target', 'ftp'], { cwd: project.dir });
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain(`${project.path('pg-password')}, mode 600`);
      expect(init.stdout).toContain(`${project.path('ftp-password')}, mode 600`);
      const config = await readFile(project.path('pickup.config.ts'), 'utf8');
      expect(config).not.toMatch(/\bpassword:/); // a file, never a password
      expect(JSON.parse(await readFile(project.path('package.json'), 'utf8')).dependencies).toEqual({
        '@pickup/cli': `^${cliVersion}`,
        '@pickup/source-postgres': '0.x',
        '@pickup/target-ftp': '0.x',
      });

      // 1, not 2: the config and the plugins' options are valid; the plugins' checks then fail, at once,
      // on the password files that are not there yet (no server is contacted).
      const check = await pickup(['check'], { cwd: project.dir });
      expect(check.code).toBe(1);
      expect(check.stdout).toContain(`ok: config ${project.path('pickup.config.ts')}`);
      expect(check.stderr).toContain(
        `sources[0].with.passwordFile: ${project.path('pg-password')} does not exist; create it with the password`,
      );
      expect(check.stderr).toContain(
        `targets[0].with.passwordFile: ${project.path('ftp-password')} does not exist; create it with the password`,
      );
    } finally {
      await project.remove();
    }
  });
});

describe('pickup init for a database on another server', () => {
  it('takes the server and its port, and writes them into the config', async () => {
    const project = await makeProject();
    try {
      const init = await pickup(
        ['init', '--yes', '--source', 'mysql', '--db-host', 'db.internal', '--db-port', '3307'],
        { cwd: project.dir },
      );
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      const config = await readFile(project.path('pickup.config.ts'), 'utf8');
      expect(config).toMatch(/host: 'db\.internal',.*\n\s+port: 3307,/);
      const check = await pickup(['check'], { cwd: project.dir });
      expect(check.code).toBe(1); // valid; only the password file is missing
    } finally {
      await project.remove();
    }
  });

  it('refuses a port for two database sources at once, and a port that is not one', async () => {
    // The plugins say which sources take a port: they are installed above the folder, which is never made.
    const project = await makeProject();
    try {
      const both = await pickup(
        ['init', '--yes', '--dir', 'nonexistent', '--source', 'postgres,mysql', '--db-port', '5433'],
        { cwd: project.dir },
      );
      expect(both.code).toBe(2);
      expect(oneLine(both.stderr)).toMatch(
        /--db-port: give one database source with it \(postgres and mysql listen on different ports\)/,
      );
      expect(existsSync(project.path('nonexistent'))).toBe(false);
    } finally {
      await project.remove();
    }
    const wrong = await pickup(
      ['init', '--yes', '--dir', '/nonexistent-pickup', '--source', 'postgres', '--db-port', '99999'],
      { cwd: '/' },
    );
    expect(wrong.code).toBe(2);
    expect(oneLine(wrong.stderr)).toMatch(/--db-port: expected a port number from 1 to 65535, not "99999"/);
  });

  it('says what --keep means', async () => {
    const help = await pickup(['init', '--help'], { cwd: '/' });
    expect(help.stdout).toMatch(/--keep\s+How many backups to keep: the newest N \(retention keepLast/);
  });
});

describe('pickup init with its folder inside a folder it backs up', () => {
  it("leaves Pickup's own logs, packages and backups out of the backup", async () => {
    const project = await makeProject();
    try {
      await mkdir(project.path('data'));
      await writeFile(project.path('data/notes.txt'), 'keep me\n');
      const init = await pickup(
        ['init', '--yes', '--dir', 'data/pickup', '--source-path', 'data', '--target-path', 'data/backups'],
        { cwd: project.dir },
      );
      expect(init.code).toBe(0);
      for (let night = 0; night < 2; night++) {
        const run = await pickup(['--quiet'], { cwd: project.path('data/pickup') });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
      }
      const [, second] = (await readdir(project.path('data/backups'))).sort();
      const listing = execFileSync('tar', ['-tzf', project.path('data/backups', second!, 'data/data.tar.gz')], {
        encoding: 'utf8',
      });
      expect(listing.split('\n').filter(Boolean).sort()).toEqual([
        'notes.txt',
        'pickup/',
        'pickup/package.json',
        'pickup/pickup.config.ts',
      ]);
    } finally {
      await project.remove();
    }
  });
});

describe('pickup init errors', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await writeFile(project.path('a-file'), '');
  });
  afterAll(() => project.remove());

  it.each([
    [['--keep', '0'], 'pickup init: --keep: expected a whole number of backups, 1 or more, not "0"'],
    [
      ['--target', 'folder', '--target-host', 'nas'],
      'pickup init: --target-host is not for --target folder, which asks for no server',
    ],
    [
      ['--source', 'tape'],
      `pickup init: --source: expected folder, folder-split, postgres, mysql or a plugin's package name (commas between several), not "tape"`,
    ],
  ])('a wrong flag (%j) is a usage error, and nothing is written', async (flags, message) => {
    const init = await pickup(['init', '--yes', ...flags], { cwd: project.dir });
    expect(init.code).toBe(2);
    expect(oneLine(init.stderr)).toBe(`${message}\n`);
    expect(existsSync(project.path('pickup.config.ts'))).toBe(false);
  });

  it('a folder that cannot be made is fatal, and named', async () => {
    const init = await pickup(['init', '--yes', '--dir', 'a-file/pickup'], { cwd: project.dir });
    expect(init.code).toBe(3);
    expect(oneLine(init.stderr)).toBe(
      `pickup init: cannot create the folder ${project.path('a-file/pickup')}: not a directory\n`,
    );
  });
});
