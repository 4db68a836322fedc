// needs: time
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await sleep(25);
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

describe('running unattended', () => {
  let project: Project;
  afterEach(() => project?.remove());

  it('a second run while one runs exits 4 and touches nothing; the first still completes', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'slow', use: 'fixture', with: { waitFor: './go' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      staging: './staging',
    });
    const first = pickup([], { cwd: project.dir });
    await waitFor(project.path('go.waiting'));
    const second = await pickup([], { cwd: project.dir });
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/another pickup run \(pid \d+ on .*\) holds the lock .*; nothing was done/);
    expect(second.stdout).toBe('');
    await writeFile(project.path('go'), '');
    const done = await first;
    expect(done.code).toBe(0);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(await readdir(project.path('staging'))).toEqual([]); // lock released, staging removed, no empty folder left
  });

  it('a lock and staging left by a killed run do not block the next run, and are cleaned up', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'fixture' }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      staging: './staging',
    });
    // A run killed with -9 leaves its lock (with a pid now gone) and its run folder behind.
    const configFile = realpathSync(project.path('pickup.config.ts'));
    const configStaging = project.path(
      'staging',
      `pickup.config.ts-${createHash('sha256').update(configFile).digest('hex').slice(0, 12)}`,
    );
    await mkdir(join(configStaging, '2020-01-01T000000.000Z/hello'), { recursive: true, mode: 0o700 });
    await writeFile(join(configStaging, '2020-01-01T000000.000Z/hello/half-written'), 'x');
    const { hostname } = await import('node:os');
    await writeFile(
      join(configStaging, 'lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2020-01-01' }),
    );
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^\S+ warning: removed staging left by an interrupted run: 2020-01-01T000000\.000Z\n$/,
    );
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(existsSync(configStaging)).toBe(false);
  });

  it('--dry-run says what it would do and writes nothing anywhere', async () => {
    project = await makeProject();
    await mkdir(project.path('data'));
    await writeFile(project.path('data/file'), 'x');
    await project.writeConfig({
      sources: [{ name: 'files', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
      staging: './staging',
    });
    const before = await readdir(project.dir);
    const result = await pickup(['--dry-run'], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/would back up source files: folder .*\/data/);
    expect(result.stdout).toMatch(/would push to target disk: folder .*\/backups/);
    expect(await readdir(project.dir)).toEqual(before);
  });

  it('--only backs up just the named sources', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [
        { name: 'one', use: 'fixture', with: { text: '1' } },
        { name: 'two', use: 'fixture', with: { text: '2' } },
        { name: 'three', use: 'fixture', with: { text: '3' } },
      ],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const result = await pickup(['--only', 'one', '--only', 'three'], { cwd: project.dir });
    expect(result.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    expect((await readdir(project.path('backups', backup!))).sort()).toEqual(['manifest.json', 'one', 'three']);
  });

  it('a failing source does not stop the others; the backup lands marked partial and the run exits 1', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [
        { name: 'good', use: 'fixture', with: { text: 'fine' } },
        { name: 'bad', use: 'fixture', with: { fail: 'the dump tool crashed' } },
        { name: 'meh', use: 'fixture', with: { warn: 'one table skipped' } },
      ],
      targets: [
        { name: 'disk', use: 'folder', with: { path: './backups', createPath: true } },
        { name: 'usb', use: 'folder', with: { path: './not-mounted' } },
      ],
      concurrency: 2,
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: source bad: failed: the dump tool crashed/);
    expect(result.stderr).toMatch(/warning: source meh: one table skipped/);
    expect(result.stderr).toMatch(/error: target usb: failed: .*does not exist/);
    expect(result.stderr).toMatch(
      /partly failed \(source bad failed, source meh partial, target usb failed\); stored on disk; exit code 1/,
    );
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('partial');
    expect(manifest.sources.map((source: { name: string; status: string }) => [source.name, source.status])).toEqual([
      ['good', 'ok'],
      ['bad', 'failed'],
      ['meh', 'partial'],
    ]);
    expect(existsSync(project.path('backups', backup!, 'bad'))).toBe(false);
  });
});

describe('logging', () => {
  let project: Project;
  afterEach(() => project?.remove());

  it('keeps secrets out of the console and the log file, which only its owner can read', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    const password = 'hunter2-Sup3r"Secret';
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'fixture', with: { password } }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const result = await pickup(['--verbose'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/fixture starting; the password is \[redacted\]/);
    const logs = await readdir(project.path('logs'));
    expect(logs).toContain('current.log');
    const logFile = join(project.path('logs'), logs.find((name) => /^pickup\.\d+\.log$/.test(name))!);
    expect(statSync(logFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(logFile, 'utf8');
    expect(text).toMatch(/options seen by the fixture/);
    expect(text).toMatch(/"level":20/); // debug lines go to the file
    for (const output of [result.stdout, result.stderr, text]) {
      expect(output).not.toContain('hunter2');
      expect(output).not.toContain('Sup3r');
    }
  });

  it('--log-format json prints one JSON object a line; --quiet prints nothing when all is well', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'hello', use: 'fixture' }],
      targets: [{ name: 'disk', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const json = await pickup(['--log-format', 'json'], { cwd: project.dir });
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.some((line) => line.level === 30 && /complete/.test(line.msg))).toBe(true);
    const quiet = await pickup(['--quiet'], { cwd: project.dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
  });
});
