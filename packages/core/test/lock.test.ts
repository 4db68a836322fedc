import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/runtime/lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the run lock', () => {
  it('is held by one at a time and freed on release', async () => {
    const path = join(dir, 'x.lock');
    const lock = await acquireLock(path);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(acquireLock(path)).rejects.toMatchObject({ exitCode: 4 });
    await lock.release();
    expect(existsSync(path)).toBe(false);
    await (await acquireLock(path)).release();
  });

  it('is taken over when the process that held it is gone', async () => {
    const path = join(dir, 'x.lock');
    await writeFile(path, JSON.stringify({ pid: 2 ** 22 + 777, host: hostname(), since: 'then' }));
    const lock = await acquireLock(path);
    expect(JSON.parse(await readFile(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('is respected when held by another host (a shared folder), whatever the pid', async () => {
    const path = join(dir, 'x.lock');
    await writeFile(path, JSON.stringify({ pid: 2 ** 22 + 777, host: 'elsewhere', since: 'then' }));
    await expect(acquireLock(path)).rejects.toThrow(/pid \d+ on elsewhere/);
  });
});
