import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillSummary } from '@pickup/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTextfile, sampleValue } from '../helpers/metrics.js';
import { completeBackups, makeProject, pickup, type Project } from '../helpers/project.js';

/** The metrics textfile after `pickup prune`, `verify` and `drill`, and while commands replace it. */
describe('metrics of prune, verify and drill', () => {
  let project: Project;
  let configFile: string;
  beforeEach(async () => {
    project = await makeProject();
    await mkdir(project.path('prom'));
    await mkdir(project.path('data'));
    await writeFile(project.path('data/a.txt'), 'a'.repeat(5000));
    configFile = await writeConfig();
  });
  afterEach(() => project.remove());

  function writeConfig(retention?: object): Promise<string> {
    return project.writeConfig({
      staging: './staging',
      sources: [{ name: 'docs', use: 'folder', with: { path: './data' } }],
      targets: [{ name: 'usb', use: 'folder', with: { path: './backups', createPath: true }, retention }],
      metrics: { textfile: './prom/pickup.prom' },
    });
  }

  const metrics = () => parseTextfile(project.path('prom/pickup.prom'));
  const command = (name: string) => ({ config: configFile, command: name });
  const usb = { target: 'usb' };

  async function runs(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await sleep(5); // run ids are milliseconds apart
      expect((await pickup(['run', '-q'], { cwd: project.dir })).code).toBe(0);
    }
  }

  it('prune updates the backups each target holds; verify records its outcome per target; the run keeps its samples', async () => {
    await runs(3);
    expect(sampleValue(metrics(), 'pickup_target_backups', usb)).toBe(3);
    const runEnded = sampleValue(metrics(), 'pickup_command_last_timestamp_seconds', command('run'));

    await writeConfig({ keepLast: 1 });
    const before = await readFile(project.path('prom/pickup.prom'), 'utf8');
    expect((await pickup(['prune', '--dry-run', '-q'], { cwd: project.dir })).code).toBe(0);
    expect(await readFile(project.path('prom/pickup.prom'), 'utf8')).toBe(before); // a dry run changes nothing
    expect((await pickup(['prune', '-q'], { cwd: project.dir })).code).toBe(0);
    let samples = metrics();
    expect(await completeBackups(project.path('backups'))).toHaveLength(1);
    expect(sampleValue(samples, 'pickup_target_backups', usb)).toBe(1);
    expect(sampleValue(samples, 'pickup_command_success', command('prune'))).toBe(1);
    expect(sampleValue(samples, 'pickup_command_last_timestamp_seconds', command('prune'))).toBeGreaterThan(runEnded!);
    expect(sampleValue(samples, 'pickup_command_last_timestamp_seconds', command('run'))).toBe(runEnded);
    expect(sampleValue(samples, 'pickup_command_success', command('run'))).toBe(1);

    expect((await pickup(['verify', 'latest', '-q'], { cwd: project.dir })).code).toBe(0);
    samples = metrics();
    const verified = sampleValue(samples, 'pickup_verify_last_success_timestamp_seconds', usb)!;
    expect(sampleValue(samples, 'pickup_verify_success', usb)).toBe(1);
    expect(verified).toBeGreaterThan(runEnded!);
    expect(sampleValue(samples, 'pickup_command_success', command('verify'))).toBe(1);

    const [backup] = await completeBackups(project.path('backups'));
    const archive = project.path('backups', backup!, 'docs/docs.tar.gz');
    const bytes = await readFile(archive);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(archive, bytes);
    expect((await pickup(['verify', 'latest', '-q'], { cwd: project.dir })).code).toBe(1);
    samples = metrics();
    expect(sampleValue(samples, 'pickup_verify_success', usb)).toBe(0);
    expect(sampleValue(samples, 'pickup_verify_last_success_timestamp_seconds', usb)).toBe(verified);
    expect(sampleValue(samples, 'pickup_verify_last_timestamp_seconds', usb)).toBeGreaterThan(verified);
    expect(sampleValue(samples, 'pickup_command_exit_code', command('verify'))).toBe(1);
    expect(sampleValue(samples, 'pickup_target_backups', usb)).toBe(1);
  });

  it("a drill's outcome per source and target, beside the run's samples", async () => {
    await runs(1);
    const drill = await pickup(['drill', '--json'], { cwd: project.dir });
    expect(drill.code).toBe(0);
    const summary = JSON.parse(drill.stdout) as DrillSummary;
    const samples = metrics();
    const ended = Date.parse(summary.finishedAt) / 1000;
    const docs = { config: configFile, source: 'docs', target: 'usb' };
    expect(sampleValue(samples, 'pickup_drill_success', docs)).toBe(1);
    expect(sampleValue(samples, 'pickup_drill_last_timestamp_seconds', docs)).toBe(ended);
    expect(sampleValue(samples, 'pickup_drill_last_success_timestamp_seconds', docs)).toBe(ended);
    expect(sampleValue(samples, 'pickup_drill_duration_seconds', docs)).toBe(summary.drills[0]!.durationMs / 1000);
    expect(sampleValue(samples, 'pickup_command_success', command('drill'))).toBe(1);
    expect(sampleValue(samples, 'pickup_command_last_success_timestamp_seconds', command('drill'))).toBe(ended);
    expect(sampleValue(samples, 'pickup_command_success', command('run'))).toBe(1);
    expect(sampleValue(samples, 'pickup_source_success', { source: 'docs' })).toBe(1);

    await runs(1); // and a later run keeps the drill's
    expect(sampleValue(metrics(), 'pickup_drill_last_success_timestamp_seconds', docs)).toBe(ended);

    // A drill that fails says so, and keeps the time of the last good one.
    const newest = (await completeBackups(project.path('backups'))).sort().at(-1)!;
    const archive = project.path('backups', newest, 'docs/docs.tar.gz');
    await writeFile(archive, Buffer.concat([await readFile(archive), Buffer.from('x')]));
    expect((await pickup(['drill', '-q'], { cwd: project.dir })).code).toBe(1);
    const failed = metrics();
    expect(sampleValue(failed, 'pickup_drill_success', docs)).toBe(0);
    expect(sampleValue(failed, 'pickup_drill_last_success_timestamp_seconds', docs)).toBe(ended);
    expect(sampleValue(failed, 'pickup_command_exit_code', command('drill'))).toBe(1);
  });

  it("waits while another command writes the textfile (its lock), and takes over a killed one's lock", async () => {
    const lock = project.path('prom/pickup.prom.lock');
    const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() });
    await writeFile(lock, owner(process.pid));
    const running = pickup(['run', '-q'], { cwd: project.dir });
    while ((await completeBackups(project.path('backups'))).length === 0) await sleep(25);
    await sleep(300);
    expect(existsSync(project.path('prom/pickup.prom'))).toBe(false);
    await rm(lock);
    const result = await running;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sampleValue(metrics(), 'pickup_command_success', command('run'))).toBe(1);

    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(lock, owner(gone));
    expect(await pickup(['prune', '-q'], { cwd: project.dir })).toMatchObject({ code: 0, stderr: '' });
    expect(sampleValue(metrics(), 'pickup_command_success', command('prune'))).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('a reader never sees half a file while commands replace it; two configs share one textfile, each labelled', async () => {
    await runs(1);
    // A second config in a folder whose name needs escaping in a label value.
    const odd = project.path('odd "dir" \\ here');
    await mkdir(odd);
    const other = join(odd, 'pickup.config.json');
    await writeFile(
      other,
      JSON.stringify({
        staging: '../staging',
        log: { dir: '../logs' },
        sources: [{ name: 'other', use: 'folder', with: { path: '../data' } }],
        targets: [{ name: 'usb2', use: 'folder', with: { path: '../backups2', createPath: true } }],
        metrics: { textfile: '../prom/pickup.prom' },
      }),
    );
    expect((await pickup(['run', '-q', '--config', other], { cwd: project.dir })).code).toBe(0);
    const seen = new Set<string>();
    let reading = true;
    const reader = (async () => {
      while (reading) {
        seen.add(await readFile(project.path('prom/pickup.prom'), 'utf8'));
      }
    })();
    const results = await Promise.all([
      pickup(['run', '-q'], { cwd: project.dir }),
      pickup(['run', '-q', '--config', other], { cwd: project.dir }),
      pickup(['verify', 'latest', '-q'], { cwd: project.dir }),
      pickup(['verify', 'latest', '-q', '--config', other], { cwd: project.dir }),
    ]);
    reading = false;
    await reader;
    expect(results.map((result) => result.stderr)).toEqual(['', '', '', '']);
    expect(seen.size).toBeGreaterThan(1);
    for (const [index, text] of [...seen].entries()) {
      const copy = project.path(`seen-${index}.prom`);
      await writeFile(copy, text);
      expect(() => parseTextfile(copy), text).not.toThrow();
      expect(text.split('\n').at(-2)).toMatch(/^pickup_\w+\{.*\} [\d.e+-]+$/);
      await rm(copy);
    }
    const samples = metrics();
    expect(sampleValue(samples, 'pickup_source_success', { config: configFile, source: 'docs' })).toBe(1);
    expect(sampleValue(samples, 'pickup_source_success', { config: other, source: 'other' })).toBe(1);
    expect(sampleValue(samples, 'pickup_command_success', { config: other, command: 'run' })).toBe(1);
    expect(sampleValue(samples, 'pickup_command_success', command('verify'))).toBe(1);
  });
});
