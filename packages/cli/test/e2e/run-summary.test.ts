// needs: time
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await sleep(25);
}

/** The run summary: a table at the end of every run, or one JSON document with --json. */
describe('the run summary', () => {
  let project: Project;
  afterEach(() => project?.remove());

  async function twoSourcesOneBroken(): Promise<void> {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a'.repeat(5000));
    await writeFile(project.path('data/b.txt'), 'b');
    await project.writeConfig({
      sources: [
        { name: 'docs', use: 'folder', with: { path: './data' } },
        { name: 'db', use: 'fixture', with: { fail: 'connection refused' } },
      ],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
    });
  }

  it('ends a run with a table of each source and target and the exit code explained', async () => {
    await twoSourcesOneBroken();
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    const table = result.stdout.slice(result.stdout.search(/^backup \S+ on /m));
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^backup \S+ on \S+: partial, in [\d.]+ s \(exit code 1: some source, target or hook failed, or a source was partial\)$/,
    );
    expect(lines[1]).toMatch(/^ {2}source\s+status\s+files\s+size\s+time$/);
    expect(lines[2]).toMatch(/^ {2}docs\s+ok\s+1\s+\d[\d.]* (B|kB)\s+[\d.]+ s$/);
    expect(lines[3]).toMatch(/^ {2}db\s+failed\s+0\s+0 B\s+[\d.]+ s\s+connection refused$/);
    expect(lines[4]).toMatch(/^ {2}target\s+status\s+sent\s+linked\s+time$/);
    expect(lines[5]).toMatch(/^ {2}usb\s+ok\s+\d[\d.]* (B|kB)\s+0 B\s+[\d.]+ s$/);
    expect(lines).toHaveLength(6);
  });

  it('--json prints one JSON document on stdout and nothing else there; it matches what was stored', async () => {
    await twoSourcesOneBroken();
    const result = await pickup(['run', '--json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    const [backup] = await completeBackups(project.path('backups'));
    expect(summary).toMatchObject({
      format: 'pickup-run-summary/1',
      outcome: 'partial',
      exitCode: 1,
      runId: backup,
      config: expect.stringMatching(/pickup\.config\.ts$/),
      sources: [
        { name: 'docs', status: 'ok', files: 1, problems: [] },
        { name: 'db', status: 'failed', files: 0, bytes: 0, problems: ['connection refused'] },
      ],
      targets: [{ name: 'usb', status: 'ok', linkedBytes: 0, removed: [], problems: [] }],
    });
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(project.path('backups', backup!, 'manifest.json'), 'utf8'));
    expect(summary.sources[0].bytes).toBe(manifest.sources[0].files[0].size);
    expect(summary.targets[0].sentBytes).toBe(manifest.sources[0].files[0].size);
    expect(result.stderr).toMatch(/source db: failed: connection refused/); // warnings and errors still on stderr
  });

  it('--json reports a run that could not start as a failure, with the reason', async () => {
    await twoSourcesOneBroken();
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'no-such-plugin' }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './b' } }],
    });
    const result = await pickup(['--json'], { cwd: project.dir });
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ outcome: 'failure', exitCode: 2, sources: [], targets: [] });
    expect(summary.runId).toBeUndefined();
    expect(summary.problems[0]).toMatch(/no-such-plugin/);
  });

  it('--json with --verbose keeps stdout to the document; --json with --dry-run is refused', async () => {
    await twoSourcesOneBroken();
    const verbose = await pickup(['--json', '--verbose'], { cwd: project.dir });
    expect(verbose.code).toBe(1);
    expect(JSON.parse(verbose.stdout).outcome).toBe('partial');
    expect(verbose.stderr).toMatch(/^\S+ staging in /m); // a debug line: on stderr
    const dry = await pickup(['--json', '--dry-run'], { cwd: project.dir });
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/^pickup: Arguments json and dry-run are mutually exclusive; see pickup --help\n$/);
  });

  it('an interrupted run reports how far it got', async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await project.writeConfig({
      sources: [{ name: 'slow', use: 'fixture', with: { waitFor: './go' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const running = pickup(['--json'], {
      cwd: project.dir,
      onSpawn: (pid) => void waitFor(project.path('go.waiting')).then(() => process.kill(pid, 'SIGTERM')),
    });
    const result = await running;
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      outcome: 'failure',
      exitCode: 3,
      runId: expect.stringMatching(/^\d{4}-/),
      problems: [expect.stringMatching(/^interrupted/)],
    });
  });

  it('a success says so; --quiet leaves the table out', async () => {
    await twoSourcesOneBroken();
    await project.writeConfig({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
    });
    const loud = await pickup([], { cwd: project.dir });
    expect(loud.code).toBe(0);
    expect(loud.stdout).toMatch(
      /: success, in [\d.]+ s \(exit code 0: every source backed up and stored on every target\)\n/,
    );
    const quiet = await pickup(['--quiet'], { cwd: project.dir });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    // The second run's file is the same: linked, not sent.
    const json = JSON.parse((await pickup(['--json'], { cwd: project.dir })).stdout);
    expect(json.targets[0].sentBytes).toBe(0);
    expect(json.targets[0].linkedBytes).toBe(json.sources[0].bytes);
  });
});
