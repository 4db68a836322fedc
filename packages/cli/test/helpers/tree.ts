import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readlink, symlink, utimes, writeFile, chmod, open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  /** Whole seconds: what tar keeps. */
  mtime: number;
  size?: number;
  sha256?: string;
  target?: string;
}

/** Everything about a tree a restore must give back: types, modes, mtimes, contents and link targets. */
export async function snapshotTree(root: string): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  const visit = async (relative: string) => {
    for (const name of (await readdir(join(root, relative))).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const absolute = join(root, path);
      const stats = await lstat(absolute);
      const base = { mode: stats.mode & 0o7777, mtime: Math.floor(stats.mtimeMs / 1000) };
      if (stats.isSymbolicLink()) entries.set(path, { ...base, type: 'symlink', target: await readlink(absolute) });
      else if (stats.isDirectory()) {
        entries.set(path, { ...base, type: 'dir' });
        await visit(path);
      } else entries.set(path, { ...base, type: 'file', size: stats.size, sha256: await sha256(absolute) });
    }
  };
  await visit('');
  return entries;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Extracts with the system's GNU tar, as a user restoring by hand would. */
export async function extractWithTar(archive: string, into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  await run('tar', ['-xzf', archive, '-C', into]);
}

export interface AwkwardTreeOptions {
  /** Size of the one big file, in bytes. */
  bigFile?: number;
  /** How many small files. */
  smallFiles?: number;
}

/**
 * A tree with what breaks backup tools: unicode and spaces in names, an empty folder, a symlink (also a
 * dangling one), a 0-byte file, odd modes, old mtimes, one big file and many small ones.
 */
export async function makeAwkwardTree(root: string, options: AwkwardTreeOptions = {}): Promise<void> {
  await mkdir(join(root, 'Ünïcödé folder/nested deeper'), { recursive: true });
  await mkdir(join(root, 'empty folder'), { recursive: true });
  await mkdir(join(root, 'many'), { recursive: true });
  await writeFile(join(root, 'Ünïcödé folder/日本語 ファイル.txt'), 'こんにちは\n');
  await writeFile(join(root, 'Ünïcödé folder/nested deeper/with  two  spaces .md'), '# spaced\n');
  await writeFile(join(root, 'zero-bytes'), '');
  await writeFile(join(root, 'script.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'script.sh'), 0o750);
  await writeFile(join(root, 'private.key'), 'not really a key\n');
  await chmod(join(root, 'private.key'), 0o600);
  await symlink('Ünïcödé folder/日本語 ファイル.txt', join(root, 'link to file'));
  await symlink('does/not/exist', join(root, 'dangling link'));
  await writeFile(join(root, `${'long-name-'.repeat(12)}.txt`), 'a name longer than 100 bytes\n');
  for (let i = 0; i < (options.smallFiles ?? 100); i++) {
    await writeFile(join(root, 'many', `file-${String(i).padStart(5, '0')}.txt`), `small file ${i}\n`.repeat(i % 7));
  }
  if (options.bigFile) await writeRandomFile(join(root, 'big.bin'), options.bigFile);
  // Old, distinct mtimes, set last (writing into a folder changes its mtime).
  const old = new Date('2001-02-03T04:05:06Z');
  await utimes(join(root, 'zero-bytes'), old, old);
  await utimes(join(root, 'empty folder'), old, old);
  await utimes(join(root, 'Ünïcödé folder/nested deeper'), old, old);
}

/** `size` bytes of random data, written in chunks (never all in memory). */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    const chunk = 8 * 1024 * 1024;
    for (let written = 0; written < size; written += chunk) await file.write(randomBytes(Math.min(chunk, size - written)));
  } finally {
    await file.close();
  }
}
