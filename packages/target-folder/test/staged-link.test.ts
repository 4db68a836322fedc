// needs: root
import { randomBytes } from 'node:crypto';
import { chown, link, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type StagedRun } from '@pickup/core';
import { stageRun } from '@pickup/testkit';
import folder from '../src/index.js';

// /dev/shm is a tmpfs: another file system than the temp folder's disk.
const OTHER_FILE_SYSTEM = '/dev/shm';

let logger: Awaited<ReturnType<typeof createLogger>>;
beforeAll(async () => {
  logger = await createLogger({ quiet: true });
});
afterAll(() => logger.close());

const dirs: string[] = [];
let target: string;
beforeEach(async () => {
  target = await tempDir(tmpdir());
});
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(parent: string): Promise<string> {
  const dir = await mkdtemp(join(parent, 'pickup-target-folder-link-'));
  dirs.push(dir);
  return dir;
}

const ARCHIVE = 'www/www.tar.gz';
const content = randomBytes(3 * 1024 * 1024 + 17);

async function push(run: StagedRun): Promise<string> {
  await folder.push({
    options: folder.options.parse({ path: target }),
    name: 'disk',
    resolvePath: (path) => path,
    log: logger.log,
    signal: new AbortController().signal,
    run,
  });
  return join(target, run.runId);
}

describe('the folder target links staged files on the same file system instead of copying them', () => {
  it('stores the staged file itself (same inode), private and synced, whole once the staging is removed', async () => {
    const staging = await tempDir(tmpdir());
    const run = await stageRun(staging, { [ARCHIVE]: content, 'db/db.sql': 'CREATE TABLE t (x int);\n' });
    const backup = await push(run);
    const staged = await stat(join(run.dir, ARCHIVE));
    const stored = await stat(join(backup, ARCHIVE));
    expect(stored.dev).toBe(staged.dev);
    expect(stored.ino).toBe(staged.ino);
    expect(stored.nlink).toBe(2);
    expect(stored.mode & 0o777).toBe(0o600);
    // The manifest is copied: the backup's own file.
    expect((await stat(join(backup, 'manifest.json'))).ino).not.toBe((await stat(join(run.dir, 'manifest.json'))).ino);

    await rm(staging, { recursive: true });
    expect((await stat(join(backup, ARCHIVE))).nlink).toBe(1);
    expect((await readFile(join(backup, ARCHIVE))).equals(content)).toBe(true);
    expect(await readFile(join(backup, 'db/db.sql'), 'utf8')).toBe('CREATE TABLE t (x int);\n');
    expect(JSON.parse(await readFile(join(backup, 'manifest.json'), 'utf8'))).toEqual(run.manifest);
  });

  it('copies a staged file from another file system', async () => {
    const staging = await tempDir(OTHER_FILE_SYSTEM);
    expect((await stat(staging)).dev, `${OTHER_FILE_SYSTEM} is another file system`).not.toBe((await stat(target)).dev);
    const run = await stageRun(staging, { [ARCHIVE]: content });
    const backup = await push(run);
    const stored = await stat(join(backup, ARCHIVE));
    expect(stored.nlink).toBe(1);
    expect(stored.mode & 0o777).toBe(0o600);
    expect((await stat(join(run.dir, ARCHIVE))).nlink).toBe(1);
    await rm(staging, { recursive: true });
    expect((await readFile(join(backup, ARCHIVE))).equals(content)).toBe(true);
  });

  it('copies a staged file with another name: a change through that name does not reach the backup', async () => {
    const staging = await tempDir(tmpdir());
    const run = await stageRun(staging, { [ARCHIVE]: content });
    const elsewhere = join(staging, 'elsewhere');
    await link(join(run.dir, ARCHIVE), elsewhere); // as a source that linked a live file into its staging
    const backup = await push(run);
    await writeFile(elsewhere, 'changed after the backup');
    expect((await stat(join(backup, ARCHIVE))).nlink).toBe(1);
    expect((await readFile(join(backup, ARCHIVE))).equals(content)).toBe(true);
  });

  it('copies a staged file another user owns: the backup is not theirs', async () => {
    expect(process.getuid?.(), 'the tests run as root').toBe(0);
    const staging = await tempDir(tmpdir());
    const run = await stageRun(staging, { [ARCHIVE]: content });
    await chown(join(run.dir, ARCHIVE), 65534, 65534);
    const backup = await push(run);
    const stored = await stat(join(backup, ARCHIVE));
    expect(stored.uid).toBe(0);
    expect(stored.ino).not.toBe((await stat(join(run.dir, ARCHIVE))).ino);
    expect((await readFile(join(backup, ARCHIVE))).equals(content)).toBe(true);
  });

  it('two folder targets on one file system: the first links, the next copies, each backup whole', async () => {
    const staging = await tempDir(tmpdir());
    const run = await stageRun(staging, { [ARCHIVE]: content });
    const first = await push(run);
    target = await tempDir(tmpdir());
    const second = await push(run);
    await rm(staging, { recursive: true });
    const [a, b] = [await stat(join(first, ARCHIVE)), await stat(join(second, ARCHIVE))];
    expect(a.ino).not.toBe(b.ino);
    expect([a.nlink, b.nlink]).toEqual([1, 1]);
    expect((await readFile(join(first, ARCHIVE))).equals(content)).toBe(true);
    expect((await readFile(join(second, ARCHIVE))).equals(content)).toBe(true);
  });
});
