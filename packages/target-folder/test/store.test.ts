import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest, StagedRun } from '@pickup/core';
import { storeRun } from '../src/store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-target-folder-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A staged run of two files; `missing` leaves the second one out of staging, as a vanished file would. */
async function stage(runId: string, { missing = false } = {}): Promise<StagedRun> {
  const staging = join(dir, 'staging', runId);
  await mkdir(join(staging, 'www'), { recursive: true });
  await writeFile(join(staging, 'www/a.tar.gz'), 'first file');
  if (!missing) await writeFile(join(staging, 'www/b.tar.gz'), 'second file');
  await writeFile(join(staging, 'manifest.json'), '{"status":"complete"}');
  return {
    runId,
    dir: staging,
    files: [
      { path: 'www/a.tar.gz', size: 10, sha256: 'x' },
      { path: 'www/b.tar.gz', size: 11, sha256: 'y' },
    ],
    manifestFile: 'manifest.json',
    manifest: {} as Manifest,
  };
}

describe('storing a run in a folder', () => {
  it('lands the run under its id with every file and the manifest', async () => {
    const target = join(dir, 'target');
    await mkdir(target);
    await storeRun(target, await stage('2026-01-01T000000.000Z'), new AbortController().signal);
    expect(await readdir(target)).toEqual(['2026-01-01T000000.000Z']);
    expect(await readFile(join(target, '2026-01-01T000000.000Z/www/b.tar.gz'), 'utf8')).toBe('second file');
    expect(await readFile(join(target, '2026-01-01T000000.000Z/manifest.json'), 'utf8')).toBe('{"status":"complete"}');
  });

  it('leaves nothing behind when a file fails midway', async () => {
    const target = join(dir, 'target');
    await mkdir(target);
    await expect(
      storeRun(target, await stage('2026-01-01T000000.000Z', { missing: true }), new AbortController().signal),
    ).rejects.toThrow(/ENOENT/);
    expect(await readdir(target)).toEqual([]);
  });

  it('leaves nothing behind when aborted', async () => {
    const target = join(dir, 'target');
    await mkdir(target);
    const controller = new AbortController();
    controller.abort(new Error('SIGTERM'));
    await expect(storeRun(target, await stage('2026-01-01T000000.000Z'), controller.signal)).rejects.toThrow(/SIGTERM/);
    expect(await readdir(target)).toEqual([]);
  });

  it('never overwrites a backup with the same id', async () => {
    const target = join(dir, 'target');
    await mkdir(join(target, '2026-01-01T000000.000Z'), { recursive: true });
    await writeFile(join(target, '2026-01-01T000000.000Z/manifest.json'), 'the old one');
    await expect(storeRun(target, await stage('2026-01-01T000000.000Z'), new AbortController().signal)).rejects.toThrow(
      /already exists/,
    );
    expect(await readFile(join(target, '2026-01-01T000000.000Z/manifest.json'), 'utf8')).toBe('the old one');
    expect(await readdir(target)).toEqual(['2026-01-01T000000.000Z']);
  });
});
