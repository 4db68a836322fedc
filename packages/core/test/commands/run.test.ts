// The whole run, in-process: what `pickup run` does, called as a program would call it.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pickupRun, type RunRequest } from '../../src/commands/run.js';
import { ExitCode } from '../../src/errors.js';
import type { RunSummary } from '../../src/report/summary.js';
import { fakeProject, storedBackups, type FakeProject } from './fakes.js';

/** The console a run is given, kept for the test to read. */
function capture(): { stdout: PassThrough; stderr: PassThrough; text(): { out: string; err: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return { stdout, stderr, text: () => ({ out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }) };
}

describe('pickupRun, in-process with fake plugins', () => {
  let project: FakeProject;
  let console: ReturnType<typeof capture>;
  const run = (extra: Partial<RunRequest> = {}) =>
    pickupRun({
      config: project.file,
      pickupVersion: '0.0.0-test',
      stdout: console.stdout,
      stderr: console.stderr,
      ...extra,
    });
  const source = (name: string, files: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    name,
    use: 'fake',
    with: { files, ...extra },
  });
  const target = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    use: 'fake',
    with: { path: name, ...extra },
  });

  beforeEach(async () => {
    project = await fakeProject();
    console = capture();
    for (const name of ['nas', 'usb']) await mkdir(project.path(name));
  });
  afterEach(() => project.remove());

  it('stores every source on every target and returns the summary; the log file has the run', async () => {
    await project.writeConfig({
      sources: [
        source('www', { 'index.html': '<h1>hi</h1>', 'a/b.txt': 'b' }),
        source('etc', { hosts: '127.0.0.1 localhost\n' }),
      ],
      targets: [target('nas'), target('usb')],
    });
    const summaries: RunSummary[] = [];
    const { exitCode, summary } = await run({ onSummary: (given) => summaries.push(given) });

    expect(exitCode).toBe(ExitCode.ok);
    expect(summary).toMatchObject({ outcome: 'success', exitCode: 0, config: project.file });
    expect(summaries).toEqual([summary]);
    for (const name of ['nas', 'usb']) {
      expect(await storedBackups(project.path(name))).toEqual([summary.runId]);
      const stored = project.path(name, summary.runId!);
      expect(await readFile(join(stored, 'www/index.html'), 'utf8')).toBe('<h1>hi</h1>');
      expect(await readFile(join(stored, 'www/a/b.txt'), 'utf8')).toBe('b');
      expect(await readFile(join(stored, 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
      const manifest = JSON.parse(await readFile(join(stored, 'manifest.json'), 'utf8'));
      expect(manifest.sources.map((entry: { name: string; status: string }) => [entry.name, entry.status])).toEqual([
        ['www', 'ok'],
        ['etc', 'ok'],
      ]);
    }
    expect(console.text().out).toMatch(
      new RegExp(`backup ${summary.runId} complete: 2 source\\(s\\), stored on 2 target\\(s\\)`),
    );
    const [logFile] = await readdir(project.path('logs'));
    expect(await readFile(project.path('logs', logFile!), 'utf8')).toContain(summary.runId);
    expect(await readdir(project.path('staging'))).toEqual([]); // nothing left behind
  });

  it('a failing source: the others are stored, the run is partial (exit 1) and says which failed', async () => {
    await project.writeConfig({
      sources: [source('good', { 'a.txt': 'a' }), source('bad', { 'x.txt': 'x' }, { fail: 'the disk went away' })],
      targets: [target('nas')],
    });
    const { exitCode, summary } = await run();
    expect(exitCode).toBe(ExitCode.partial);
    expect(summary.outcome).toBe('partial');
    expect(summary.sources.map((entry) => [entry.name, entry.status])).toEqual([
      ['good', 'ok'],
      ['bad', 'failed'],
    ]);
    expect(summary.sources[1]!.problems.join(' ')).toContain('the disk went away');
    expect(await readFile(project.path('nas', summary.runId!, 'good/a.txt'), 'utf8')).toBe('a');
    expect(existsSync(project.path('nas', summary.runId!, 'bad'))).toBe(false);
    expect(console.text().err).toMatch(/partly failed \(source bad failed\); stored on nas; exit code 1/);
  });

  it('a push that fails removes nothing: retention keeps every older backup', async () => {
    await project.writeConfig({
      sources: [source('s', { f: '1' })],
      targets: [{ ...target('nas'), retention: { keepLast: 1 } }],
    });
    const first = await run();
    expect(first.exitCode).toBe(ExitCode.ok);
    await project.writeConfig({
      sources: [source('s', { f: '2' })],
      targets: [{ ...target('nas', { fail: 'connection reset' }), retention: { keepLast: 1 } }],
    });
    const second = await run();
    expect(second.exitCode).toBe(ExitCode.partial); // 1: stored nowhere, as when stored only somewhere
    expect(second.summary.outcome).toBe('failure');
    expect(second.summary.targets[0]).toMatchObject({ name: 'nas', status: 'failed' });
    expect(await storedBackups(project.path('nas'))).toEqual([first.summary.runId]);
    expect(await readFile(project.path('nas', first.summary.runId!, 's/f'), 'utf8')).toBe('1');
  });

  it('a bad config: exit 2, one line naming the file and field, and a summary without a run id', async () => {
    await project.writeConfig({
      sources: [source('s', { f: '1' })],
      targets: [{ name: 'nas', use: 'fake', with: { path: 7 } }],
    });
    const { exitCode, summary } = await run();
    expect(exitCode).toBe(ExitCode.usage);
    expect(summary.runId).toBeUndefined();
    expect(summary.outcome).toBe('failure');
    expect(console.text().err).toContain(`${project.file}: targets[0].with.path:`);
    expect(console.text().err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a second run while one holds the config: exit 4, the first goes on undisturbed', async () => {
    const release = project.path('release');
    await project.writeConfig({
      sources: [source('slow', { f: 'slow' }, { waitFor: release })],
      targets: [target('nas')],
    });
    const first = run();
    await waitUntil(
      () =>
        existsSync(project.path('staging')) &&
        readdirDeep(project.path('staging')).some((path) => path.endsWith('/slow/f')),
    );
    const second = await pickupRun({
      config: project.file,
      pickupVersion: '0.0.0-test',
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    expect(second.exitCode).toBe(ExitCode.locked);
    await writeFile(release, '');
    const { exitCode, summary } = await first;
    expect(exitCode).toBe(ExitCode.ok);
    expect(await storedBackups(project.path('nas'))).toEqual([summary.runId]);
  });

  it('a run of another config in the same process while one runs: exit 4, saying to use another process', async () => {
    const release = project.path('release');
    await project.writeConfig({
      sources: [source('slow', { f: 'slow' }, { waitFor: release })],
      targets: [target('nas')],
    });
    const other = await fakeProject();
    try {
      await mkdir(other.path('nas'));
      await other.writeConfig({ sources: [source('s', { f: '1' })], targets: [target('nas')] });
      const first = run();
      await waitUntil(
        () =>
          existsSync(project.path('staging')) &&
          readdirDeep(project.path('staging')).some((path) => path.endsWith('/slow/f')),
      );
      const stderr = new PassThrough();
      const said: string[] = [];
      stderr.on('data', (chunk: Buffer) => said.push(chunk.toString()));
      const second = await pickupRun({
        config: other.file,
        pickupVersion: '0.0.0-test',
        stdout: new PassThrough(),
        stderr,
      });
      expect(second.exitCode).toBe(ExitCode.locked);
      expect(said.join('')).toContain(`this process already runs a command of ${project.file}`);
      expect(await readdir(other.path('nas'))).toEqual([]);
      await writeFile(release, '');
      expect((await first).exitCode).toBe(ExitCode.ok);
      // Once the first is over, the other config runs in this process as well.
      expect(
        (
          await pickupRun({
            config: other.file,
            pickupVersion: '0.0.0-test',
            stdout: new PassThrough(),
            stderr: new PassThrough(),
          })
        ).exitCode,
      ).toBe(ExitCode.ok);
    } finally {
      await other.remove();
    }
  });

  it('stopped through its signal: nothing stored, staging removed, the summary says it was interrupted', async () => {
    await project.writeConfig({
      sources: [source('slow', { f: 'slow' }, { waitFor: project.path('never') })],
      targets: [target('nas')],
    });
    const controller = new AbortController();
    const running = run({ signal: controller.signal });
    await waitUntil(
      () =>
        existsSync(project.path('staging')) &&
        readdirDeep(project.path('staging')).some((path) => path.endsWith('/slow/f')),
    );
    controller.abort(new Error('stop'));
    const { exitCode, summary } = await running;
    expect(exitCode).toBe(ExitCode.fatal);
    expect(summary.outcome).toBe('failure');
    expect(summary.problems.join(' ')).toMatch(/^interrupted: the run stopped before its end/);
    expect(await readdir(project.path('nas'))).toEqual([]);
    expect(readdirDeep(project.path('staging'))).toEqual([]);
  });

  it('sends the summary to a webhook after handing it to the caller', async () => {
    const received: { body: unknown; agent: string | undefined }[] = [];
    const server = createServer(async (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString()), agent: request.headers['user-agent'] });
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      await project.writeConfig({
        sources: [source('s', { f: '1' })],
        targets: [target('nas')],
        notify: [{ type: 'webhook', url, on: ['success'] }],
      });
      const order: string[] = [];
      const { summary } = await run({ onSummary: () => order.push(`summary, ${received.length} received`) });
      expect(order).toEqual(['summary, 0 received']);
      expect(received).toEqual([{ body: summary, agent: 'pickup/0.0.0-test' }]);
    } finally {
      server.close();
    }
  });
});

/** Every file below `dir`, as paths. */
function readdirDeep(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
