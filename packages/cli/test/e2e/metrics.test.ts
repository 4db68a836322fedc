import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTextfile, sampleValue, type ParsedSample } from '../helpers/metrics.js';
import { completeBackups, hasStackTrace, makeProject, pickup, type Project } from '../helpers/project.js';

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i++) await sleep(25);
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

/** As cron might run it: with a umask that would leave node_exporter unable to read a file created as usual. */
const PRIVATE_UMASK = ['sh', '-c', 'umask 077 && exec "$@"', 'sh'];

/** The metrics textfile after `pickup run`, for node_exporter's textfile collector. */
describe('metrics of pickup run', () => {
  let project: Project;
  let configFile: string;
  beforeEach(async () => {
    project = await makeProject({ fixtures: ['pickup-source-fixture'] });
    await mkdir(project.path('prom'));
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a'.repeat(5000));
    await writeFile(project.path('data/b.txt'), 'b');
  });
  afterEach(() => project.remove());

  async function setUp(db: Record<string, string> = {}, textfile = './prom/pickup.prom'): Promise<void> {
    configFile = await project.writeConfig({
      staging: './staging',
      sources: [
        { name: 'docs', use: 'folder', with: { path: './data' } },
        { name: 'db', use: 'fixture', with: db },
      ],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true } }],
      metrics: { textfile },
    });
  }

  const metrics = () => parseTextfile(project.path('prom/pickup.prom'));
  const run = (labels: Record<string, string> = {}) => ({ config: configFile, command: 'run', ...labels });

  it('after a run: every value of the run summary, labelled with the config, parsed by Prometheus; written whole, 0644', async () => {
    await setUp();
    const before = Date.now() / 1000;
    const result = await pickup(['run', '--json'], { cwd: project.dir, wrap: PRIVATE_UMASK });
    const after = Date.now() / 1000;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    const samples = metrics();

    expect(new Set(samples.map((sample) => sample.labels.config))).toEqual(new Set([configFile]));
    for (const sample of samples) expect(sample).toMatchObject({ type: 'gauge', help: expect.stringMatching(/\w/) });
    const ended = Date.parse(summary.finishedAt) / 1000;
    expect(ended).toBeGreaterThanOrEqual(before);
    expect(ended).toBeLessThanOrEqual(after);
    expect(sampleValue(samples, 'pickup_command_success', run())).toBe(1);
    expect(sampleValue(samples, 'pickup_command_exit_code', run())).toBe(0);
    expect(sampleValue(samples, 'pickup_command_last_timestamp_seconds', run())).toBe(ended);
    expect(sampleValue(samples, 'pickup_command_last_success_timestamp_seconds', run())).toBe(ended);
    expect(sampleValue(samples, 'pickup_command_duration_seconds', run())).toBe(summary.durationMs / 1000);
    expect(outcomes(samples, 'pickup_run_outcome', 'outcome')).toEqual({ success: 1, partial: 0, failure: 0 });

    for (const source of summary.sources) {
      const labels = { source: source.name };
      expect(sampleValue(samples, 'pickup_source_success', labels)).toBe(1);
      expect(outcomes(samples, 'pickup_source_status', 'status', labels)).toEqual({ ok: 1, partial: 0, failed: 0 });
      expect(sampleValue(samples, 'pickup_source_bytes', labels)).toBe(source.bytes);
      expect(sampleValue(samples, 'pickup_source_files', labels)).toBe(source.files);
      expect(sampleValue(samples, 'pickup_source_duration_seconds', labels)).toBe(source.durationMs / 1000);
      expect(sampleValue(samples, 'pickup_source_last_success_timestamp_seconds', labels)).toBe(ended);
    }
    expect(sampleValue(samples, 'pickup_source_bytes', { source: 'docs' })).toBeGreaterThan(0);
    const usb = { target: 'usb' };
    expect(sampleValue(samples, 'pickup_target_success', usb)).toBe(1);
    expect(outcomes(samples, 'pickup_target_status', 'status', usb)).toEqual({ ok: 1, failed: 0, skipped: 0 });
    expect(sampleValue(samples, 'pickup_target_sent_bytes', usb)).toBe(summary.targets[0].sentBytes);
    expect(sampleValue(samples, 'pickup_target_sent_bytes', usb)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'pickup_target_last_success_timestamp_seconds', usb)).toBe(ended);
    expect(sampleValue(samples, 'pickup_target_backups', usb)).toBe(1);

    // Renamed into place: no temporary file left beside it; readable by node_exporter's user whatever the umask.
    expect((await readdir(project.path('prom'))).sort()).toEqual(['pickup.prom', 'pickup.prom.json']);
    for (const name of ['pickup.prom', 'pickup.prom.json'])
      expect((await stat(project.path('prom', name))).mode & 0o777).toBe(0o644);

    await sleep(5); // run ids are milliseconds apart
    expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(0);
    expect(sampleValue(metrics(), 'pickup_target_backups', usb)).toBe(2);
  });

  it('a failing run keeps the times of the last successes and says failed; so does one that found the lock held', async () => {
    await setUp();
    expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(0);
    const succeeded = sampleValue(metrics(), 'pickup_command_last_success_timestamp_seconds', run())!;
    expect(succeeded).toBeGreaterThan(0);

    await setUp({ fail: 'connection refused' });
    expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(1);
    let samples = metrics();
    expect(sampleValue(samples, 'pickup_command_success', run())).toBe(0);
    expect(sampleValue(samples, 'pickup_command_exit_code', run())).toBe(1);
    expect(sampleValue(samples, 'pickup_command_last_success_timestamp_seconds', run())).toBe(succeeded);
    expect(sampleValue(samples, 'pickup_command_last_timestamp_seconds', run())).toBeGreaterThan(succeeded);
    expect(outcomes(samples, 'pickup_run_outcome', 'outcome')).toEqual({ success: 0, partial: 1, failure: 0 });
    const db = { source: 'db' };
    expect(sampleValue(samples, 'pickup_source_success', db)).toBe(0);
    expect(outcomes(samples, 'pickup_source_status', 'status', db)).toEqual({ ok: 0, partial: 0, failed: 1 });
    expect(sampleValue(samples, 'pickup_source_last_success_timestamp_seconds', db)).toBe(succeeded);
    expect(sampleValue(samples, 'pickup_source_last_timestamp_seconds', db)).toBeGreaterThan(succeeded);
    expect(sampleValue(samples, 'pickup_source_last_success_timestamp_seconds', { source: 'docs' })).toBeGreaterThan(
      succeeded,
    );
    expect(sampleValue(samples, 'pickup_target_success', { target: 'usb' })).toBe(1);

    // A run that finds the lock held did nothing: a failure, exit 4; the last success stays.
    await setUp({ waitFor: './go' });
    const holder = pickup(['run', '-q'], { cwd: project.dir });
    await waitFor(project.path('go.waiting'));
    expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(4);
    samples = metrics();
    expect(sampleValue(samples, 'pickup_command_success', run())).toBe(0);
    expect(sampleValue(samples, 'pickup_command_exit_code', run())).toBe(4);
    expect(sampleValue(samples, 'pickup_command_last_success_timestamp_seconds', run())).toBe(succeeded);
    expect(outcomes(samples, 'pickup_run_outcome', 'outcome')).toEqual({ success: 0, partial: 0, failure: 1 });
    await writeFile(project.path('go'), '');
    expect((await holder).code).toBe(0);
    samples = metrics();
    expect(sampleValue(samples, 'pickup_command_success', run())).toBe(1);
    expect(sampleValue(samples, 'pickup_command_last_success_timestamp_seconds', run())).toBeGreaterThan(succeeded);
    expect(sampleValue(samples, 'pickup_source_success', db)).toBe(1);

    // A source taken out of the config takes its samples with it.
    configFile = await project.writeConfig({
      staging: './staging',
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups' } }],
      metrics: { textfile: './prom/pickup.prom' },
    });
    expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(0);
    samples = metrics();
    expect(samples.filter((sample) => sample.labels.source === 'db')).toEqual([]);
    expect(sampleValue(samples, 'pickup_source_success', { source: 'docs' })).toBe(1);
  });

  it('a textfile not ending in .prom: exit 2, one line naming the config file and the field; nothing backed up', async () => {
    await setUp({}, './prom/pickup.txt');
    const result = await pickup(['run'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `error: ${configFile}: metrics\\.textfile: must be a file name ending in \\.prom .*, e\\.g\\. '/var/`,
        ),
      ),
    ]);
    expect(hasStackTrace(result.stdout + result.stderr)).toBe(false);
    expect(await completeBackups(project.path('backups'))).toEqual([]);
  });

  it('a textfile whose folder does not exist: the backup is made, with one warning naming it; pickup check fails on it', async () => {
    await setUp({}, './no-such-folder/pickup.prom');
    const result = await pickup(['run', '-q'], { cwd: project.dir });
    expect(result.code).toBe(0);
    const missing = project.path('no-such-folder/pickup.prom');
    const said = `cannot write the metrics textfile ${missing}: its folder does not exist; create it (node_exporter's --collector.textfile.directory) or fix metrics.textfile in ${configFile}`;
    expect(result.stderr).toBe(`${result.stderr.slice(0, 9)}warning: ${said}\n`);
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(existsSync(project.path('no-such-folder'))).toBe(false);

    const check = await pickup(['check'], { cwd: project.dir });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`error: metrics: ${said}\n`);
    await mkdir(project.path('no-such-folder'));
    const fixed = await pickup(['check'], { cwd: project.dir });
    expect(fixed.stdout).toContain(`ok: metrics: ${missing}\n`);
    expect(fixed.code).toBe(0);
  });
});

/** `{ success: 1, partial: 0, ... }`: the samples of an enumeration, by the value of its label. */
function outcomes(
  samples: ParsedSample[],
  name: string,
  label: string,
  labels: Record<string, string> = {},
): Record<string, number> {
  return Object.fromEntries(
    samples
      .filter(
        (sample) =>
          sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      )
      .map((sample) => [sample.labels[label], sample.value]),
  );
}
