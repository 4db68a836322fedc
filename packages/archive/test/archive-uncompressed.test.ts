import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstat,
  lutimes,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFiles } from '@pickup/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarGz } from '../src/extract.js';
import { archiveExtension, archiveOptions } from '../src/options.js';
import { writeTarGz } from '../src/tar-gz.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-archive-none-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const when = new Date('2024-05-06T07:08:09Z');

/** Folders, an empty one, text, binary, a file bigger than one read chunk, a symlink; every mtime fixed. */
async function tree(root: string): Promise<void> {
  await mkdir(join(root, 'a/empty'), { recursive: true });
  await mkdir(join(root, 'b'), { recursive: true });
  await writeFile(join(root, 'a/x.txt'), 'text\n');
  await writeFile(join(root, 'a/binary.bin'), Buffer.from([0, 1, 2, 0x1f, 0x8b, 0xff]));
  await writeFile(join(root, 'b/big.bin'), createHash('sha512').update('seed').digest().toString('hex').repeat(20000), {
    mode: 0o640,
  });
  await writeFile(join(root, 'Zoë.txt'), 'ünïcödé');
  await symlink('a/x.txt', join(root, 'link'));
  for (const path of ['a/x.txt', 'a/binary.bin', 'b/big.bin', 'Zoë.txt', 'a/empty', 'a', 'b'])
    await utimes(join(root, path), when, when);
  await lutimes(join(root, 'link'), when, when);
}

/** Every entry under `root`: type, mode, mtime, and content or link target. */
async function describeTree(root: string, prefix = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const path = join(prefix, name);
    const stats = await lstat(join(root, path));
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) lines.push(`${path} -> ${await readlink(join(root, path))}`);
    else if (stats.isDirectory()) lines.push(`${path}/ ${mode} ${stats.mtimeMs}`, ...(await describeTree(root, path)));
    else
      lines.push(
        `${path} ${mode} ${stats.mtimeMs} ${createHash('sha256')
          .update(await readFile(join(root, path)))
          .digest('hex')}`,
      );
  }
  return lines;
}

/** A plain tar: a ustar header at the start, no compressor's magic. */
async function expectPlainTar(path: string): Promise<void> {
  expect((await readFile(path)).subarray(257, 262).toString()).toBe('ustar');
}

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const none = {
  compression: 'none' as const,
  onProblem: (path: string, problem: string) => expect.fail(`${path} ${problem}`),
};
const extracting = { onSkip: (path: string, why: string) => expect.fail(`${path} ${why}`) };

describe("compression: 'none'", () => {
  it('is an option of every folder-archiving source, and its archives end in .tar', () => {
    expect(archiveOptions.compression.parse('none')).toBe('none');
    expect(archiveOptions.compression.parse(undefined)).toBe('gzip');
    expect(archiveExtension({ compression: 'none' })).toBe('.tar');
    expect(archiveExtension({ compression: 'gzip' })).toBe('.tar.gz');
    expect(archiveExtension({ compression: 'zstd' })).toBe('.tar.zst');
  });

  it('writes a plain tar that GNU tar lists and extracts, with the digest of its bytes', async () => {
    await tree(join(dir, 'src'));
    const archive = join(dir, 'out.tar');
    await writeTarGz(join(dir, 'src'), archive, none);
    await expectPlainTar(archive);
    const bytes = await readFile(archive);
    expect(bytes.length % 512).toBe(0);
    expect(bytes.includes(Buffer.from('ünïcödé'))).toBe(true); // contents stored as they are, not compressed
    const listed = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(['Zoë.txt', 'a/', 'a/binary.bin', 'a/empty/', 'a/x.txt', 'b/', 'b/big.bin', 'link']);
    await mkdir(join(dir, 'by-gnu-tar'));
    execFileSync('tar', ['-xf', archive, '-C', join(dir, 'by-gnu-tar')]);
    expect(await describeTree(join(dir, 'by-gnu-tar'))).toEqual(await describeTree(join(dir, 'src')));
    // The manifest's sha256 is taken on the way out: it must be the file's.
    const described = (await describeFiles(dir, dir)).find((file) => file.path === 'out.tar');
    expect(described?.sha256).toBe(await sha(archive));
  });

  it('gives byte-identical archives of the same tree, in another folder, at another moment', async () => {
    await tree(join(dir, 'first'));
    await tree(join(dir, 'second'));
    await writeTarGz(join(dir, 'first'), join(dir, 'one.tar'), none);
    await writeTarGz(join(dir, 'second'), join(dir, 'two.tar'), none);
    await writeTarGz(join(dir, 'first'), join(dir, 'three.tar'), none);
    await expectPlainTar(join(dir, 'one.tar'));
    expect(await sha(join(dir, 'two.tar'))).toBe(await sha(join(dir, 'one.tar')));
    expect(await sha(join(dir, 'three.tar'))).toBe(await sha(join(dir, 'one.tar')));
  });

  it('is extracted by extractTarGz byte for byte, with modes, mtimes and links', async () => {
    await tree(join(dir, 'src'));
    await writeTarGz(join(dir, 'src'), join(dir, 'out.tar'), none);
    await expectPlainTar(join(dir, 'out.tar'));
    await mkdir(join(dir, 'restored'));
    const stats = await extractTarGz(join(dir, 'out.tar'), join(dir, 'restored'), extracting);
    expect(stats.entries).toBe(8);
    expect([...stats.topLevel].sort()).toEqual(['Zoë.txt', 'a', 'b', 'link']);
    expect(await describeTree(join(dir, 'restored'))).toEqual(await describeTree(join(dir, 'src')));
  });

  it('extractTarGz reads a plain tar made by GNU tar, and the archive of an empty folder', async () => {
    await tree(join(dir, 'src'));
    execFileSync('tar', ['-cf', join(dir, 'gnu.tar'), '-C', join(dir, 'src'), '.']);
    await mkdir(join(dir, 'from-gnu'));
    await extractTarGz(join(dir, 'gnu.tar'), join(dir, 'from-gnu'), extracting);
    expect(await describeTree(join(dir, 'from-gnu'))).toEqual(await describeTree(join(dir, 'src')));

    await mkdir(join(dir, 'empty'));
    await writeTarGz(join(dir, 'empty'), join(dir, 'empty.tar'), none);
    expect(await readFile(join(dir, 'empty.tar'))).toEqual(Buffer.alloc(1024)); // only the end-of-archive blocks
    await mkdir(join(dir, 'from-empty'));
    expect((await extractTarGz(join(dir, 'empty.tar'), join(dir, 'from-empty'), extracting)).entries).toBe(0);
    expect(await readdir(join(dir, 'from-empty'))).toEqual([]);
  });

  it('extractTarGz still tells gzip and zstd from a plain tar', async () => {
    await tree(join(dir, 'src'));
    for (const compression of ['gzip', 'zstd'] as const) {
      const archive = join(dir, `out${archiveExtension({ compression })}`);
      await writeTarGz(join(dir, 'src'), archive, { ...none, compression });
      await mkdir(join(dir, compression));
      await extractTarGz(archive, join(dir, compression), extracting);
      expect(await describeTree(join(dir, compression))).toEqual(await describeTree(join(dir, 'src')));
    }
  });

  it('extractTarGz refuses a file that is no archive with a clear error', async () => {
    await writeFile(join(dir, 'garbage.tar'), 'this is not an archive at all, only text '.repeat(30));
    await mkdir(join(dir, 'into'));
    await expect(extractTarGz(join(dir, 'garbage.tar'), join(dir, 'into'), extracting)).rejects.toThrow(
      /Invalid tar header/,
    );
  });
});
