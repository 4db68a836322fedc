// needs: faketime, time
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';
import { makeAwkwardTree, snapshotTree } from '../helpers/tree.js';

/** pickup under a faked clock (libfaketime), as if cron had started it at `time` (UTC). */
const at = (time: string) => ({ wrap: ['faketime', '-f', `@${time}`], env: { TZ: 'UTC' } });

describe('retention over twenty nightly runs', () => {
  let project: Project;
  // Every third day at 02:00 from 1 January to 27 February 2026: twenty runs.
  const days = Array.from({ length: 20 }, (_, i) =>
    new Date(Date.UTC(2026, 0, 1 + 3 * i, 2)).toISOString().slice(0, 10),
  );

  beforeAll(async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file.txt'), 'nightly data\n');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [
        {
          name: 'disk',
          use: 'folder',
          with: { path: './backups', createPath: true },
          retention: { keepDaily: 3, keepWeekly: 2, keepMonthly: 2, timeZone: 'UTC' },
        },
        { name: 'archive', use: 'folder', with: { path: './archive', createPath: true } },
      ],
    });
    for (const [index, day] of days.entries()) {
      if (index === 19) {
        // The remains of a push that was cut off on 2 January: the next good run removes them.
        await mkdir(project.path('backups/2026-01-02T020000.000Z.partial/files'), { recursive: true });
      }
      const result = await pickup(['--quiet'], { cwd: project.dir, ...at(`${day} 02:00:00`) });
      expect(result.stderr, day).toBe('');
      expect(result.code, day).toBe(0);
    }
  });
  afterAll(() => project.remove());

  it('pickup list shows exactly what the policy keeps', async () => {
    const result = await pickup(['list', '--target', 'disk', '--json'], { cwd: project.dir });
    expect(result.code).toBe(0);
    const [disk] = JSON.parse(result.stdout).targets;
    // 3 daily (27, 24, 21 Feb); weekly adds none (27 and 21 Feb end their weeks); monthly adds 31 Jan.
    expect(disk.backups.map((backup: { id: string }) => backup.id.slice(0, 15))).toEqual([
      '2026-02-27T0200',
      '2026-02-24T0200',
      '2026-02-21T0200',
      '2026-01-31T0200',
    ]);
    expect(await readdir(project.path('backups'))).toHaveLength(4); // the cut-off push is gone too
  });

  it('a target without retention keeps everything', async () => {
    expect(await completeBackups(project.path('archive'))).toHaveLength(20);
  });

  it('pickup list prints a table per target', async () => {
    const result = await pickup(['list'], { cwd: project.dir, env: { TZ: 'UTC' } });
    expect(result.stdout).toMatch(
      /^target disk: 4 backup\(s\)\n\s+ID\s+TIME\s+SIZE\s+SOURCES\s+STATUS\n\s+2026-02-27T0200\d\d\.\d{3}Z\s+2026-02-27 02:00:\d\d\s+\d+ B\s+files\s+complete\n/,
    );
    expect(result.stdout).toMatch(/^target archive: 20 backup\(s\)$/m);
  });

  it('pickup prune --dry-run shows every backup with keep or remove and the rule that keeps it', async () => {
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [
        { name: 'disk', use: 'folder', with: { path: './backups' }, retention: { keepDaily: 2, timeZone: 'UTC' } },
        {
          name: 'archive',
          use: 'folder',
          with: { path: './archive' },
          retention: { keepMonthly: 2, keepLast: 1, timeZone: 'UTC' },
        },
      ],
    });
    const result = await pickup(['prune', '--dry-run', '--target', 'disk'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/target disk: keep {3}2026-02-27T0200\S+ \(daily\)/);
    expect(result.stdout).toMatch(/target disk: keep {3}2026-02-24T0200\S+ \(daily\)/);
    expect(result.stdout).toMatch(/target disk: remove 2026-02-21T0200\S+\n/);
    expect(result.stdout).toMatch(/target disk: would remove 2 backup\(s\), 2 kept/);
    expect(await readdir(project.path('backups'))).toHaveLength(4);

    const real = await pickup(['prune', '--target', 'archive'], { cwd: project.dir });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/target archive: removed 2026-02-24T0200\S+ \(retention\)/);
    expect((await completeBackups(project.path('archive'))).map((id) => id.slice(0, 15)).sort()).toEqual([
      '2026-01-31T0200',
      '2026-02-27T0200',
    ]);
  });

  it('a run whose source fails leaves every older backup in place', async () => {
    await project.writeConfig({
      sources: [
        { name: 'files', use: 'folder', with: { path: './data' } },
        { name: 'db', use: 'fixture', with: { fail: 'the database is down' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups' }, retention: { keepLast: 1 } }],
    });
    const before = (await readdir(project.path('backups'))).sort();
    const result = await pickup([], { cwd: project.dir, ...at('2026-03-01 02:00:00') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/target disk: retention skipped: this backup is partial, so every older one is kept/);
    const after = (await readdir(project.path('backups'))).sort();
    expect(after.filter((name) => !before.includes(name)).map((name) => name.slice(0, 15))).toEqual([
      '2026-03-01T0200',
    ]);
    expect(after.filter((name) => before.includes(name))).toEqual(before);

    // A run of one source (--only) does not count either, and does not prune.
    await project.writeConfig({
      sources: [
        { name: 'files', use: 'folder', with: { path: './data' } },
        { name: 'db', use: 'fixture', with: { text: 'db' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups' }, retention: { keepLast: 1 } }],
    });
    const only = await pickup(['--only', 'db'], { cwd: project.dir, ...at('2026-03-02 02:00:00') });
    expect(only.code).toBe(0);
    expect(only.stdout).toMatch(/retention skipped: this backup holds only some sources \(--only\)/);
    expect((await readdir(project.path('backups'))).filter((name) => before.includes(name))).toEqual(before);

    // Pruning by hand now: the partial backup does not count, so keepLast 1 keeps the newest good one.
    const prune = await pickup(['prune', '--dry-run'], { cwd: project.dir });
    expect(prune.stdout).toMatch(/target disk: keep {3}2026-02-27T0200\S+ \(last\)/);
    expect(prune.stdout).toMatch(
      /target disk: keep {3}2026-03-01T0200\S+ \(partial, newer than every complete backup\)/,
    );
    expect(prune.stdout).toMatch(
      /target disk: keep {3}2026-03-02T0200\S+ \(some sources only, newer than every complete backup\)/,
    );
  });
});

describe('verify and restore', () => {
  let project: Project;
  let backupId: string;

  beforeAll(async () => {
    project = await makeProject();
    await makeAwkwardTree(project.path('data'), { smallFiles: 50, bigFile: 3 * 1024 * 1024 });
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    [backupId] = await completeBackups(project.path('backups'));
  });
  afterAll(() => project.remove());

  it('pickup restore latest gives back a tree equal byte for byte, with modes, mtimes and links', async () => {
    const result = await pickup(['restore', 'latest', '--source', 'files', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/all match the manifest/);
    expect(Object.fromEntries(await snapshotTree(project.path('restored')))).toEqual(
      Object.fromEntries(await snapshotTree(project.path('data'))),
    );
  });

  it('pickup verify reads the backup back and finds it intact', async () => {
    const result = await pickup(['verify'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`backup ${backupId} intact: 1 file\\(s\\)`));
    const sampled = await pickup(['verify', backupId!, '--sample', '50'], { cwd: project.dir });
    expect(sampled.code).toBe(0);
  });

  it('refuses to restore into a folder that has files, unless --force', async () => {
    await mkdir(project.path('busy'));
    await writeFile(project.path('busy/precious'), 'mine');
    const refused = await pickup(['restore', '--source', 'files', '--to', project.path('busy')], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/busy is not empty \(1 entry\); restore into an empty folder, or add --force/);
    expect(await readdir(project.path('busy'))).toEqual(['precious']);
    const forced = await pickup(['restore', '--source', 'files', '--to', project.path('busy'), '--force'], {
      cwd: project.dir,
    });
    expect(forced.code).toBe(0);
    expect(await readFile(project.path('busy/precious'), 'utf8')).toBe('mine');
    expect(existsSync(project.path('busy/zero-bytes'))).toBe(true);
  });

  it('an unknown backup id: exit 2, says what is there', async () => {
    const verify = await pickup(['verify', '2020-01-01T000000.000Z'], { cwd: project.dir });
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/no target holds backup 2020-01-01T000000\.000Z \(looked at disk\); see pickup list/);
    for (const command of [
      ['verify', 'nope', '--target', 'disk'],
      ['restore', 'nope', '--source', 'files', '--to', project.path('x')],
    ]) {
      const result = await pickup(command, { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`no backup nope at target disk \\(newest there: ${backupId}\\); see pickup list`),
      );
    }
  });

  it('a backup whose manifest is damaged is listed as such, kept by prune, and refused by verify and restore', async () => {
    const manifestPath = project.path('backups', backupId!, 'manifest.json');
    const manifest = await readFile(manifestPath);
    try {
      await writeFile(manifestPath, '{ "format": "pickup-manifest/1", "runId": ');
      const list = await pickup(['list'], { cwd: project.dir });
      expect(list.stdout).toMatch(new RegExp(`${backupId}\\s+\\S+ \\S+\\s+-\\s+-\\s+damaged`));
      const verify = await pickup(['verify', backupId!], { cwd: project.dir });
      expect(verify.code).toBe(1);
      expect(verify.stderr).toMatch(/is damaged: its manifest is not JSON \(/);
      const restore = await pickup(['restore', backupId!, '--source', 'files', '--to', project.path('from-damaged')], {
        cwd: project.dir,
      });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(/is damaged: its manifest is not JSON \(/);
      expect(existsSync(project.path('from-damaged'))).toBe(false);
    } finally {
      await writeFile(manifestPath, manifest);
    }
  });

  it('a file changed or truncated at the target: verify and restore both refuse it', async () => {
    const archive = project.path('backups', backupId!, 'files/files.tar.gz');
    const original = await readFile(archive);
    try {
      await appendFile(archive, 'x');
      const changed = await pickup(['verify'], { cwd: project.dir });
      expect(changed.code).toBe(1);
      expect(changed.stderr).toMatch(/files\/files\.tar\.gz has \d+ bytes, the manifest says \d+/);

      await writeFile(archive, original);
      await truncate(archive, original.length - 1);
      await appendFile(archive, Buffer.from([original[original.length - 1]! ^ 0xff]));
      const flipped = await pickup(['verify'], { cwd: project.dir });
      expect(flipped.code).toBe(1);
      expect(flipped.stderr).toMatch(/files\/files\.tar\.gz has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);

      const restore = await pickup(['restore', '--source', 'files', '--to', project.path('never')], {
        cwd: project.dir,
      });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toMatch(/is damaged: files\/files\.tar\.gz has sha256 .*; nothing was restored/);
      expect(existsSync(project.path('never'))).toBe(false);

      await rm(archive);
      const missing = await pickup(['verify'], { cwd: project.dir });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/files\/files\.tar\.gz is missing/);
    } finally {
      await writeFile(archive, original);
    }
  });

  it('a retention value that is not a positive whole number or a duration: exit 2, names the field', async () => {
    const other = await makeProject();
    try {
      await other.writeConfig({
        sources: [{ name: 'files', use: 'folder', with: { path: '.' } }],
        targets: [
          { name: 'disk', use: 'folder', with: { path: '.' }, retention: { keepDaily: 0, keepWithin: '30 days' } },
        ],
      });
      const result = await pickup(['check'], { cwd: other.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/targets\[0\]\.retention\.keepDaily: must be a positive whole number/);
      expect(result.stderr).toMatch(
        /targets\[0\]\.retention\.keepWithin: must be a duration like 12h, 30d, 2w, 6m or 1y6m/,
      );
    } finally {
      await other.remove();
    }
  });
});

describe('restore never writes outside the destination', () => {
  let project: Project;
  beforeAll(async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  });
  afterAll(() => project.remove());

  /** Stores a hand-made archive at the target as a complete backup, with a manifest that matches it. */
  async function plant(
    runId: string,
    entries: { name: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string; body?: string }[],
  ) {
    const tar = await import('tar-stream');
    const { gzipSync } = await import('node:zlib');
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => pack.on('end', resolve));
    for (const entry of entries) {
      await new Promise<void>((resolve, reject) =>
        pack.entry(
          { name: entry.name, type: entry.type ?? 'file', linkname: entry.linkname, mode: 0o644, mtime: new Date(0) },
          entry.body ?? '',
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    }
    pack.finalize();
    await ended;
    const archive = gzipSync(Buffer.concat(chunks));
    const dir = project.path('backups', runId);
    await mkdir(join(dir, 'files'), { recursive: true });
    await writeFile(join(dir, 'files/files.tar.gz'), archive);
    const manifest = {
      format: 'pickup-manifest/1',
      runId,
      host: 'elsewhere',
      pickupVersion: '0.1.0',
      status: 'complete',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      sources: [
        {
          name: 'files',
          plugin: '@pickup/source-folder',
          pluginVersion: '0.1.0',
          status: 'ok',
          problems: [],
          startedAt: '',
          finishedAt: '',
          files: [
            {
              path: 'files/files.tar.gz',
              size: archive.length,
              sha256: createHash('sha256').update(archive).digest('hex'),
            },
          ],
        },
      ],
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }

  const cases = [
    {
      id: '2026-05-01T000000.001Z',
      what: '../',
      entries: [{ name: 'ok.txt' }, { name: '../escaped.txt', body: 'evil' }],
      pattern: /"\.\.\/escaped\.txt" points outside the destination/,
    },
    {
      id: '2026-05-01T000000.002Z',
      what: 'an absolute path',
      entries: [{ name: '/tmp/pickup-escaped-absolute.txt', body: 'evil' }],
      pattern: /"\/tmp\/pickup-escaped-absolute\.txt" points outside the destination/,
    },
    {
      id: '2026-05-01T000000.003Z',
      what: 'a symlink, then a file through it',
      entries: [
        { name: 'link', type: 'symlink' as const, linkname: '..' },
        { name: 'link/escaped.txt', body: 'evil' },
      ],
      pattern: /"link\/escaped\.txt" would be written through the symlink/,
    },
  ];

  for (const { id, what, entries, pattern } of cases) {
    it(`refuses an archive entry with ${what}`, async () => {
      await plant(id, entries);
      const to = project.path(`restore-${id}`);
      const result = await pickup(['restore', id, '--source', 'files', '--to', to], { cwd: project.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(pattern);
      expect(existsSync(project.path('escaped.txt'))).toBe(false);
      expect(existsSync('/tmp/pickup-escaped-absolute.txt')).toBe(false);
    });
  }
});
