import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compareTrees, snapshotTree, writeRandomFile } from '../helpers/tree.js';
import { completeBackups, hasStackTrace, makeProject, pickup, repoRoot, type Project } from '../helpers/project.js';

/** Every folder below the staging root: the config's own, and what a drill left in it. */
async function stagingLeft(project: Project): Promise<string[]> {
  const root = project.path('staging');
  if (!existsSync(root)) return [];
  const left: string[] = [];
  for (const config of await readdir(root))
    left.push(...(await readdir(join(root, config))).map((name) => `${config}/${name}`));
  return left;
}

function parseSummary(stdout: string) {
  return JSON.parse(stdout) as {
    format: string;
    outcome: string;
    exitCode: number;
    drills: {
      source: string;
      target: string;
      backup?: string;
      status: string;
      check: string;
      checked: string;
      problems: string[];
    }[];
  };
}

describe('pickup drill, folder sources to a folder target', () => {
  let project: Project;
  beforeEach(async () => {
    project = await makeProject();
    await mkdir(project.path('data/www/img'), { recursive: true });
    await writeFile(project.path('data/www/index.html'), '<h1>hello</h1>\n');
    await writeRandomFile(project.path('data/www/img/big.bin'), 300_000);
    await symlink('index.html', project.path('data/www/home.html'));
    await mkdir(project.path('data/empty'));
    await project.writeConfig({
      staging: './staging',
      sources: [
        { name: 'www', use: 'folder', with: { path: './data/www' } },
        { name: 'sites', use: 'folder-split', with: { path: './data' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  });
  afterEach(() => project.remove());

  it('restores the newest backup of each source into scratch space, finds it as recorded, and leaves nothing behind', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const before = await snapshotTree(project.path('data'));
    const drill = await pickup(['drill'], { cwd: project.dir });
    expect(drill.stderr).toBe('');
    expect(drill.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    // index.html, img, img/big.bin, home.html; folder-split: www and its four, empty.
    expect(drill.stdout).toMatch(
      new RegExp(`www\\s+disk\\s+${backup}\\s+ok\\s+restored .*restored 4 entries, 2 files, 300,015 bytes as recorded`),
    );
    expect(drill.stdout).toMatch(
      /sites\s+disk\s+\S+\s+ok\s+restored .*restored 6 entries, 2 files, 300,015 bytes as recorded/,
    );
    expect(drill.stdout).toMatch(
      /^drill on \S+: success, in .* \(exit code 0: every backup drilled came back as recorded\)$/m,
    );
    expect(await compareTrees(project.path('data'), before)).toEqual([]);
    expect(await stagingLeft(project)).toEqual([]);

    const json = await pickup(['drill', '--json', '--source', 'www'], { cwd: project.dir });
    expect(json.code).toBe(0);
    const summary = parseSummary(json.stdout);
    expect(summary).toMatchObject({ format: 'pickup-drill-summary/1', outcome: 'success', exitCode: 0 });
    expect(summary.drills).toEqual([
      expect.objectContaining({ source: 'www', target: 'disk', backup, status: 'ok', check: 'restored', problems: [] }),
    ]);
  });

  it('drills the newest backup: a file added since the older one is counted, and the older one is not read', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    await sleep(5); // run ids are milliseconds apart
    await writeFile(project.path('data/www/new.txt'), 'new\n');
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [older, newer] = (await completeBackups(project.path('backups'))).sort();
    await rm(project.path('backups', older!), { recursive: true }); // were it read, the drill would fail
    const drill = await pickup(['drill', '--source', 'www', '--json'], { cwd: project.dir });
    expect(drill.code).toBe(0);
    expect(parseSummary(drill.stdout).drills[0]).toMatchObject({
      backup: newer,
      checked: 'restored 5 entries, 3 files, 300,019 bytes as recorded',
    });
  });

  it('a backup whose bytes changed at the target: exit 1, one line naming the backup and the file, nothing restored', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const archive = project.path('backups', backup!, 'www/www.tar.gz');
    const bytes = await readFile(archive);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(archive, bytes);
    const drill = await pickup(['drill'], { cwd: project.dir });
    expect(drill.code).toBe(1);
    expect(drill.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `error: source www: drill of backup ${backup} failed: backup ${backup} at target disk is damaged: www/www.tar.gz has sha256 \\w+, the manifest says \\w+; nothing was restored$`,
        ),
      ),
    ]);
    expect(drill.stdout).toMatch(/^drill on \S+: failure, .*exit code 1/m);
    expect(drill.stdout).toMatch(/sites\s+disk\s+\S+\s+ok/); // the other source still drilled
    expect(hasStackTrace(drill.stdout + drill.stderr)).toBe(false);
    expect(await stagingLeft(project)).toEqual([]);
  });

  it('a restored copy that differs from what the backup recorded fails the drill, saying what differs', async () => {
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    // The recorded facts are what the drill compares with: one file more recorded than the archive holds.
    const manifestFile = project.path('backups', backup!, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.sources[0].facts.folder.files += 1;
    await writeFile(manifestFile, JSON.stringify(manifest));
    const drill = await pickup(['drill', '--source', 'www'], { cwd: project.dir });
    expect(drill.code).toBe(1);
    expect(drill.stderr).toMatch(
      /error: source www: drill of backup \S+ failed: the restored copy differs from the backup: 2 files restored, 3 recorded\n$/,
    );
    expect(await stagingLeft(project)).toEqual([]);
  });

  it('nothing to drill at a target: exit 1, saying so; an unknown --source: exit 2, one line', async () => {
    const none = await pickup(['drill'], { cwd: project.dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /error: source www: drill failed: cannot list the backups at target disk: .*does not exist/,
    );
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const unknown = await pickup(['drill', '--source', 'nope'], { cwd: project.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^(\d\d:\d\d:\d\d )?error: --source nope: no such source in \S+pickup\.config\.ts \(its sources: www, sites\)\n$/,
    );
    expect(unknown.stdout).toBe('');
  });

  it('a drill killed with SIGKILL leaves its scratch folder only until the next command of the config', async () => {
    await writeRandomFile(project.path('data/www/img/huge.bin'), 60 * 1024 * 1024);
    expect((await pickup(['--only', 'www'], { cwd: project.dir })).code).toBe(0);
    let pid = 0;
    const drill = pickup(['drill', '--source', 'www'], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
    // Killed once it has restored part of the archive into its scratch folder.
    for (let i = 0; i < 600 && !(await scratchHolds(project, 'img')); i++) await sleep(10);
    process.kill(pid, 'SIGKILL');
    expect((await drill).code).toBe(null);
    expect((await stagingLeft(project)).some((name) => /\/drill-\w+$/.test(name))).toBe(true);

    const next = await pickup(['drill', '--source', 'www'], { cwd: project.dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/warning: removed staging left by an interrupted command: drill-\w+\n/);
    expect(await stagingLeft(project)).toEqual([]);
  });

  it('a drill stopped with SIGTERM removes its scratch folder before it exits 3', async () => {
    await writeRandomFile(project.path('data/www/img/huge.bin'), 60 * 1024 * 1024);
    expect((await pickup(['--only', 'www'], { cwd: project.dir })).code).toBe(0);
    let pid = 0;
    const drill = pickup(['drill', '--source', 'www'], { cwd: project.dir, onSpawn: (spawned) => (pid = spawned) });
    for (let i = 0; i < 600 && !(await scratchHolds(project, 'img')); i++) await sleep(10);
    process.kill(pid, 'SIGTERM');
    const stopped = await drill;
    expect(stopped.code).toBe(3);
    expect(stopped.stderr).toMatch(/error: interrupted by SIGTERM: the drill stopped, its scratch space removed\n$/);
    expect(hasStackTrace(stopped.stderr)).toBe(false);
    expect(await stagingLeft(project)).toEqual([]);
  });
});

/** Whether a drill's scratch folder holds `name` yet. */
async function scratchHolds(project: Project, name: string): Promise<boolean> {
  for (const left of await stagingLeft(project)) {
    if (/\/drill-\w+$/.test(left) && existsSync(project.path('staging', left, 'scratch', name))) return true;
  }
  return false;
}

describe('pickup drill, what each source gets checked by', () => {
  let project: Project;
  let keys: string;
  beforeAll(async () => {
    keys = await mkdtemp(join(tmpdir(), 'pickup-keys-'));
  });
  afterAll(() => rm(keys, { recursive: true, force: true }));
  beforeEach(async () => {
    project = await makeProject();
    await symlink(join(repoRoot, 'examples/pickup-source-command'), project.path('node_modules/pickup-source-command'));
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'data\n');
  });
  afterEach(() => project.remove());

  it('a source plugin without a drill, and an encrypted backup without a key, get their checksums checked, and the summary says so', async () => {
    const identity = join(keys, 'key.txt');
    const made = await pickup(['keygen', '--out', identity], { cwd: keys });
    const recipient = /public key \(recipient\): (age1\S+)/.exec(made.stdout)![1]!;
    const config = {
      sources: [
        { name: 'versions', use: 'command', with: { command: ['node', '--version'] } },
        { name: 'files', use: 'folder', with: { path: './data' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      encryption: { recipients: [recipient] },
    };
    await project.writeConfig(config);
    expect((await pickup([], { cwd: project.dir })).code).toBe(0);
    const checksums = await pickup(['drill', '--json'], { cwd: project.dir });
    expect(checksums.code).toBe(0);
    const drills = parseSummary(checksums.stdout).drills;
    expect(drills.map(({ source, status, check, checked }) => ({ source, status, check, checked }))).toEqual([
      {
        source: 'versions',
        status: 'ok',
        check: 'checksums',
        checked: expect.stringMatching(
          /^checksums of 1 file\(s\), \d+ B only: pickup-source-command cannot restore for a drill$/,
        ),
      },
      {
        source: 'files',
        status: 'ok',
        check: 'checksums',
        checked: expect.stringMatching(
          /only: the backup is encrypted: give drill.identityFile or drill.passphraseFile in the config to restore it$/,
        ),
      },
    ]);

    await project.writeConfig({ ...config, drill: { identityFile: identity } });
    const restored = await pickup(['drill', '--json', '--source', 'files'], { cwd: project.dir });
    expect(restored.code).toBe(0);
    expect(parseSummary(restored.stdout).drills[0]).toMatchObject({
      check: 'restored',
      checked: 'restored 1 entries, 1 files, 5 bytes as recorded',
    });
  });
});
