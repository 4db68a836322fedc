// needs: time
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath, completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** A process that exists and is not a zombie (where nothing reaps orphans, the dead stay listed). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Hooks: commands before and after a run and each source, told how it went. */
describe('hooks', () => {
  let project: Project;
  afterEach(() => project?.remove());

  async function setUp(config: Record<string, unknown>): Promise<void> {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('data'));
    await writeFile(project.path('data/kept.txt'), 'always here\n');
    await project.writeConfig({
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      ...config,
    });
  }

  async function manifestOf(backup: string) {
    return JSON.parse(await readFile(project.path('backups', backup, 'manifest.json'), 'utf8')) as {
      status: string;
      sources: { name: string; status: string; problems: string[]; files: { path: string }[] }[];
    };
  }

  it('runs the run and source hooks in order, in the config folder, with PICKUP_* variables and the summary on stdin', async () => {
    await setUp({
      hooks: {
        before: 'echo "run before $PICKUP_HOOK $PICKUP_RUN_ID" >> order.log',
        after: 'echo "run after $PICKUP_STATUS $PICKUP_EXIT_CODE" >> order.log; cat > summary.json',
      },
      sources: [
        {
          name: 'docs',
          use: 'folder',
          with: { path: './data' },
          hooks: {
            // A dump made just for the backup, removed after it: the way a snapshot is taken and dropped.
            before: 'echo "source before $PICKUP_SOURCE" >> order.log; echo dumped > data/dump.sql',
            after:
              'echo "source after $PICKUP_SOURCE $PICKUP_SOURCE_STATUS $PICKUP_SOURCE_FILES $PICKUP_SOURCE_BYTES" >> order.log; rm data/dump.sql',
          },
        },
      ],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = await manifestOf(backup!);
    const size = manifest.sources[0]!.files.reduce((sum, file) => sum + (file as unknown as { size: number }).size, 0);
    expect((await readFile(project.path('order.log'), 'utf8')).split('\n')).toEqual([
      `run before before ${backup}`,
      'source before docs',
      `source after docs ok 1 ${size}`,
      'run after success 0',
      '',
    ]);
    expect(existsSync(project.path('data/dump.sql'))).toBe(false);
    // The dump was there while the source ran: restore shows it.
    const restored = await pickup(['restore', '--source', 'docs', '--to', project.path('restored')], {
      cwd: project.dir,
    });
    expect(restored.code).toBe(0);
    expect(await readFile(project.path('restored/dump.sql'), 'utf8')).toBe('dumped\n');
    const summary = JSON.parse(await readFile(project.path('summary.json'), 'utf8'));
    expect(summary).toMatchObject({ outcome: 'success', runId: backup, sources: [{ name: 'docs', status: 'ok' }] });
    expect(result.stdout).toMatch(/before hook: running echo "run before/);
  });

  it('a failing run before hook: no source runs, nothing is pushed, the after hook still runs; exit 1', async () => {
    await setUp({
      hooks: {
        before: 'echo "stopping the app"; echo "app is busy" >&2; exit 3',
        after: 'echo "$PICKUP_STATUS $PICKUP_EXIT_CODE" > after.txt',
      },
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' }, hooks: { before: 'touch source-ran' } }],
    });
    const result = await pickup(['--json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\S+ error: before hook: stopping the app$/m); // its output is logged
    expect(result.stderr).toMatch(/^\S+ error: before hook exited with code 3: app is busy; no source was backed up$/m);
    expect(existsSync(project.path('source-ran'))).toBe(false);
    expect(result.stderr).toMatch(
      /warning: backup \S+ failed \(source docs failed, before hook failed\); stored nowhere; exit code 1$/m,
    );
    expect(await completeBackups(project.path('backups'))).toEqual([]);
    expect(await readFile(project.path('after.txt'), 'utf8')).toBe('failure 1\n');
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      outcome: 'failure',
      problems: ['before hook exited with code 3: app is busy', 'nothing was pushed: no source was backed up'],
      sources: [
        { name: 'docs', status: 'failed', problems: ['not backed up: before hook exited with code 3: app is busy'] },
      ],
      targets: [{ name: 'usb', status: 'skipped' }],
    });
  });

  it('a failing source before hook fails that source only; its after hook is told so', async () => {
    await setUp({
      sources: [
        {
          name: 'db',
          use: 'fixture',
          hooks: { before: 'exit 7', after: 'echo "$PICKUP_SOURCE_STATUS" > db-after.txt' },
        },
        { name: 'docs', use: 'folder', with: { path: './data' } },
      ],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/source db: not backed up: before hook of source db exited with code 7$/m);
    expect(await readFile(project.path('db-after.txt'), 'utf8')).toBe('failed\n');
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = await manifestOf(backup!);
    expect(manifest.status).toBe('partial');
    expect(manifest.sources.map((source) => [source.name, source.status])).toEqual([
      ['db', 'failed'],
      ['docs', 'ok'],
    ]);
  });

  it('a failing after hook keeps the backup but marks it partial and the run exits 1', async () => {
    await setUp({ sources: [{ name: 'docs', use: 'folder', with: { path: './data' }, hooks: { after: ['false'] } }] });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    const [backup] = await completeBackups(project.path('backups'));
    const manifest = await manifestOf(backup!);
    expect(manifest.sources[0]).toMatchObject({
      status: 'partial',
      problems: ['after hook of source docs exited with code 1'],
    });
    expect(manifest.sources[0]!.files).toHaveLength(1);
  });

  it('a hook past its timeout is killed with everything it started, and fails', async () => {
    await setUp({
      hooks: { before: 'sleep 60 & echo $! > sleeper.pid; wait', timeout: 1 },
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
    });
    const started = Date.now();
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toMatch(/before hook timed out after 1 s/);
    const sleeper = Number(await readFile(project.path('sleeper.pid'), 'utf8'));
    expect(isRunning(sleeper)).toBe(false);
  });

  it('a hook that leaves something running in the background does not hold the run', async () => {
    await setUp({
      hooks: { before: 'sleep 60 & echo $! > sleeper.pid' },
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
    });
    const started = Date.now();
    const result = await pickup([], { cwd: project.dir });
    const sleeper = Number(await readFile(project.path('sleeper.pid'), 'utf8'));
    process.kill(sleeper);
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a reader that goes away (pickup | head) does not stop the run: it ends, after hook included', async () => {
    await setUp({
      hooks: { after: 'echo "$PICKUP_STATUS" > after.txt' },
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
    });
    const child = spawn(process.execPath, [binPath, '--verbose'], {
      cwd: project.dir,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PICKUP_CONFIG: undefined },
    });
    child.stdout.destroy(); // as `head` does once it has its lines
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(await readFile(project.path('after.txt'), 'utf8')).toBe('success\n');
  });

  it('a secret quoted by a failing hook is blanked in the summary that leaves the machine', async () => {
    await setUp({
      hooks: { before: 'echo "login with hunter2-very-secret refused" >&2; exit 1' },
      sources: [{ name: 'db', use: 'fixture', with: { password: 'hunter2-very-secret' } }],
    });
    const result = await pickup(['--json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('hunter2-very-secret');
    expect(JSON.parse(result.stdout).problems[0]).toBe('before hook exited with code 1: login with [redacted] refused');
  });

  it('an argv hook runs without a shell: its arguments are taken as they are', async () => {
    const odd = 'name with spaces; touch injected';
    await setUp({
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' }, hooks: { before: ['touch', odd] } }],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(existsSync(join(project.dir, odd))).toBe(true);
    expect(existsSync(project.path('injected'))).toBe(false);
  });

  it('a bad hook in the config is a config error naming the field (exit 2)', async () => {
    await setUp({
      sources: [
        { name: 'docs', use: 'folder', with: { path: './data' }, hooks: { before: '', timeout: '5 minutes' } },
        { name: 'more', use: 'folder', with: { path: './data' }, hooks: { before: 'true', timeout: '0s' } },
      ],
    });
    const result = await pickup([], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sources\[0\]\.hooks\.before: /);
    expect(result.stderr).toMatch(/sources\[0\]\.hooks\.timeout: a time like 90s, 30m or 2h, or a number of seconds/);
    expect(result.stderr).toMatch(/sources\[1\]\.hooks\.timeout: a time above 0 and at most 24 days/);
  });
});
