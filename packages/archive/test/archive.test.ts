// needs: root
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lutimes, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTarGz } from '../src/tar-gz.js';
import { walk } from '../src/walk.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-archive-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function tree(root: string) {
  await mkdir(join(root, 'b/cache'), { recursive: true });
  await mkdir(join(root, 'a'), { recursive: true });
  await writeFile(join(root, 'b/keep.txt'), 'keep');
  await writeFile(join(root, 'b/cache/drop.bin'), 'drop');
  await writeFile(join(root, 'a/x.log'), 'log');
  await writeFile(join(root, 'a/x.txt'), 'text');
  await writeFile(join(root, 'Z upper'), 'z');
  await symlink('a/x.txt', join(root, 'link'));
}

const listing = (archive: string) => execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('walk', () => {
  it('yields every entry in byte order of names, a folder before its contents, links not followed', async () => {
    await tree(dir);
    const paths: string[] = [];
    for await (const entry of walk(dir, { exclude: [], onError: () => {} })) paths.push(entry.path);
    expect(paths).toEqual([
      'Z upper',
      'a',
      'a/x.log',
      'a/x.txt',
      'b',
      'b/cache',
      'b/cache/drop.bin',
      'b/keep.txt',
      'link',
    ]);
  });

  it('leaves out excluded paths: a pattern without / at any depth, with / from the root, folders whole', async () => {
    await tree(dir);
    const paths: string[] = [];
    for await (const entry of walk(dir, { exclude: ['*.log', '**/cache/**', 'Z*'], onError: () => {} }))
      paths.push(entry.path);
    expect(paths).toEqual(['a', 'a/x.txt', 'b', 'b/keep.txt', 'link']);
  });
});

describe('writeTarGz', () => {
  it('gives the same bytes for the same tree, whenever and wherever it runs', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await tree(first);
    await tree(second);
    // Same contents and mtimes, made at different moments in different folders.
    const when = new Date('2024-05-06T07:08:09Z');
    for (const root of [first, second]) {
      for (const path of ['b/cache/drop.bin', 'b/keep.txt', 'a/x.log', 'a/x.txt', 'Z upper', 'b/cache', 'a', 'b'])
        await utimes(join(root, path), when, when);
      await lutimes(join(root, 'link'), when, when); // the link's own time: the two trees may be made in different seconds
    }
    const problems: string[] = [];
    await writeTarGz(first, join(dir, 'first.tar.gz'), { onProblem: (path) => problems.push(path) });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await writeTarGz(second, join(dir, 'second.tar.gz'), { onProblem: (path) => problems.push(path) });
    expect(problems).toEqual([]);
    expect(await sha(join(dir, 'first.tar.gz'))).toBe(await sha(join(dir, 'second.tar.gz')));
    const header = (await readFile(join(dir, 'first.tar.gz'))).subarray(0, 10);
    expect(header.readUInt32LE(4)).toBe(0); // no timestamp
    expect(header[9]).toBe(255); // no OS
  });

  it('writes zstd that GNU tar and zstd read, the same bytes every time', async () => {
    await tree(join(dir, 'src'));
    for (const name of ['one.tar.zst', 'two.tar.zst'])
      await writeTarGz(join(dir, 'src'), join(dir, name), { compression: 'zstd', onProblem: () => {} });
    expect(await sha(join(dir, 'one.tar.zst'))).toBe(await sha(join(dir, 'two.tar.zst')));
    const listed = execFileSync('tar', ['--zstd', '-tf', join(dir, 'one.tar.zst')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(listed).toContain('b/keep.txt');
  });

  it('stores folders with a trailing slash, files and links under paths relative to the root', async () => {
    await tree(join(dir, 't'));
    await writeTarGz(join(dir, 't'), join(dir, 'out.tar.gz'), { exclude: ['*.log'], onProblem: () => {} });
    expect(listing(join(dir, 'out.tar.gz'))).toEqual([
      'Z upper',
      'a/',
      'a/x.txt',
      'b/',
      'b/cache/',
      'b/cache/drop.bin',
      'b/keep.txt',
      'link',
    ]);
  });

  it('refuses to overwrite an existing file', async () => {
    await mkdir(join(dir, 't'));
    await writeFile(join(dir, 'out.tar.gz'), 'precious');
    await expect(writeTarGz(join(dir, 't'), join(dir, 'out.tar.gz'), { onProblem: () => {} })).rejects.toThrow(
      /EEXIST/,
    );
    expect(await readFile(join(dir, 'out.tar.gz'), 'utf8')).toBe('precious');
  });

  // sysfs files claim 4096 bytes and hold fewer: a file that shrinks between stat and read, every time.
  const sysfs = '/sys/kernel/mm/transparent_hugepage';

  it('pads a file that shrinks while being read, reports it, and goes on with the rest', async () => {
    const problems: string[] = [];
    await writeTarGz(sysfs, join(dir, 'out.tar.gz'), {
      onProblem: (path, problem) => problems.push(`${path} ${problem}`),
    });
    expect(problems).toContainEqual(
      expect.stringMatching(/^enabled shrank by \d+ bytes while being read; the rest was filled with zeros$/),
    );
    const names = listing(join(dir, 'out.tar.gz'));
    expect(names).toContain('enabled');
    expect(names).toContain('defrag');
    const content = execFileSync('tar', ['-xzOf', join(dir, 'out.tar.gz'), 'enabled']);
    expect(content.length).toBe(4096);
    expect(content.toString('latin1')).toMatch(/\[\w+\][^\0]*\0+$/);
  });

  it('stops at the first problem when onProblem throws (onUnreadable: fail)', async () => {
    const archiving = writeTarGz(sysfs, join(dir, 'out.tar.gz'), {
      onProblem: (path) => {
        throw new Error(`strict: ${path}`);
      },
    });
    await expect(archiving).rejects.toThrow(/^strict: /);
  });
});

describe('exclude patterns, as in .gitignore', () => {
  it('anchor with a leading or inner /, match folders only with a trailing /, anywhere otherwise', async () => {
    const root = join(dir, 'g');
    for (const folder of ['build', 'src/build', 'docs/tmp', 'cache', 'src/cache'])
      await mkdir(join(root, folder), { recursive: true });
    for (const file of [
      'build/out.js',
      'src/build/keep.js',
      'docs/tmp/x',
      'src/tmp',
      'cache/a',
      'src/cache/b',
      'src/x.log',
      'notcache',
    ]) {
      await writeFile(join(root, file), file);
    }
    await writeFile(join(root, 'logfile'), 'a file, not a folder');
    const kept = async (exclude: string[]) => {
      const paths: string[] = [];
      for await (const entry of walk(root, { exclude, onError: () => {} })) paths.push(entry.path);
      return paths;
    };
    expect(await kept(['/build'])).not.toContain('build');
    expect(await kept(['/build'])).toContain('src/build/keep.js');
    expect(await kept(['./build'])).toContain('src/build');
    expect(await kept(['./build'])).not.toContain('build/out.js');
    expect(await kept(['docs/tmp'])).not.toContain('docs/tmp/x');
    expect(await kept(['docs/tmp'])).toContain('src/tmp');
    const noCaches = await kept(['cache/']);
    expect(noCaches.filter((path) => path.includes('cache'))).toEqual(['notcache']);
    expect(await kept(['*.log', 'logfile/'])).toEqual(expect.arrayContaining(['logfile']));
    expect(await kept(['*.log'])).not.toContain('src/x.log');
  });
});

describe('modes', () => {
  it('keeps a mode of 000 (tar-stream would otherwise store its default)', async () => {
    // Reading a 000 file needs root's override, as a nightly backup of /etc/shadow-like files has.
    expect(process.getuid?.()).toBe(0);
    const root = join(dir, 'm');
    await mkdir(root);
    await writeFile(join(root, 'locked'), 'x');
    await (await import('node:fs/promises')).chmod(join(root, 'locked'), 0o000);
    await writeTarGz(root, join(dir, 'm.tar.gz'), { onProblem: () => {} });
    expect(execFileSync('tar', ['-tvzf', join(dir, 'm.tar.gz')], { encoding: 'utf8' })).toMatch(/^---------- /);
  });
});
