// The tar writer's bytes are those tar-stream's pack wrote for the same entries (the format of every
// archive made before it): unchanged data keeps giving byte-identical archives across versions.
import { execFileSync } from 'node:child_process';
import { lstat, lutimes, mkdir, mkdtemp, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar-stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeTarGz } from '../src/tar-gz.js';
import { walk } from '../src/walk.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-tar-format-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Names ustar holds, names it needs its prefix for, names only PAX holds; sizes around 512 and the small-file limit. */
async function tree(root: string): Promise<void> {
  const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}`; // > 100: name and prefix
  const long = 'g'.repeat(120); // one part > 100: PAX
  await mkdir(join(root, deep), { recursive: true });
  await mkdir(join(root, long));
  await mkdir(join(root, 'empty'));
  const sizes = [0, 1, 511, 512, 513, 256 * 1024, 256 * 1024 + 1, 1024 * 1024 + 7, 3 * 1024 * 1024];
  for (const size of sizes)
    await writeFile(join(root, `size-${size}.bin`), Buffer.alloc(size, size % 251), { mode: 0o640 });
  await writeFile(join(root, deep, 'file.txt'), 'deep\n');
  await writeFile(join(root, long, 'file.txt'), 'long\n');
  await writeFile(join(root, 'Zoë ünïcödé.txt'), 'utf-8 name\n');
  await writeFile(join(root, 'private'), 'x', { mode: 0o600 });
  await symlink('size-1.bin', join(root, 'short-link'));
  await symlink('t'.repeat(150), join(root, 'long-target'));
  await symlink('Zoë', join(root, 'utf8-target'));
  execFileSync('mkfifo', [join(root, 'pipe')]);
  const when = new Date('2031-02-03T04:05:06Z');
  await utimes(join(root, 'size-1.bin'), when, when);
  await lutimes(join(root, 'short-link'), when, when);
}

/** The same tree packed by tar-stream, with the headers the archive has always had. */
async function packedByTarStream(root: string): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => pack.on('end', resolve));
  for await (const entry of walk(root, { exclude: [], onError: () => {} })) {
    const { stats } = entry;
    const header = {
      mode: stats.mode,
      uid: stats.uid,
      gid: stats.gid,
      mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000),
    };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (stats.isDirectory()) pack.entry({ ...header, name: `${entry.path}/`, type: 'directory' }, done);
      else if (stats.isFIFO()) pack.entry({ ...header, name: entry.path, type: 'fifo' }, done);
      else if (stats.isSymbolicLink())
        readlink(entry.absolute).then(
          (linkname) => pack.entry({ ...header, name: entry.path, type: 'symlink', linkname }, done),
          reject,
        );
      else
        readFile(entry.absolute).then(
          (content) => pack.entry({ ...header, name: entry.path, type: 'file', size: content.length }, content, done),
          reject,
        );
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

it('writes the bytes tar-stream wrote for the same tree: ustar names, prefixes, PAX paths and links, every size', async () => {
  const root = join(dir, 'tree');
  await tree(root);
  const archive = join(dir, 'out.tar');
  await writeTarGz(root, archive, {
    compression: 'none',
    onProblem: (path, problem) => expect.fail(`${path}: ${problem}`),
  });
  const written = await readFile(archive);
  expect((await lstat(archive)).size).toBe(written.length);
  expect(written.equals(await packedByTarStream(root))).toBe(true);
  // and GNU tar reads it all back, names, link targets and times included
  const listing = execFileSync('tar', ['-tvf', archive, '--full-time'], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  expect(listing).toContain(`${'g'.repeat(120)}/file.txt`);
  expect(listing).toContain(`-> ${'t'.repeat(150)}`);
  expect(listing).toContain('Zoë ünïcödé.txt');
  expect(listing).toContain('2031-02-03 04:05:06 size-1.bin');
});

it('stores times after 2038 as they are (tar-stream wrote them as 77777777777)', async () => {
  await mkdir(join(dir, 'tree'));
  await writeFile(join(dir, 'tree/later.txt'), 'x');
  const later = new Date('2045-01-01T00:00:00Z');
  await utimes(join(dir, 'tree/later.txt'), later, later);
  await writeTarGz(join(dir, 'tree'), join(dir, 'out.tar'), { compression: 'none', onProblem: () => {} });
  const listing = execFileSync('tar', ['-tvf', join(dir, 'out.tar'), '--full-time'], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  expect(listing).toContain('2045-01-01 00:00:00 later.txt');
});
