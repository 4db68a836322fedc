import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  /** Whole seconds: what tar keeps. */
  mtime: number;
  size?: number;
  sha256?: string;
  target?: string;
}

export type TreeSnapshot = Map<string, TreeEntry>;

/**
 * Everything about a tree a restore must give back: types, modes, mtimes, contents and link targets,
 * by `/`-separated path relative to `root`. Paths under `skip` (relative, `/`-separated) are left out.
 */
export async function snapshotTree(root: string, options: { skip?: readonly string[] } = {}): Promise<TreeSnapshot> {
  const skip = new Set(options.skip ?? []);
  const entries: TreeSnapshot = new Map();
  const visit = async (relative: string) => {
    for (const name of (await readdir(join(root, relative))).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      if (skip.has(path)) continue;
      const absolute = join(root, path);
      const stats = await lstat(absolute);
      const base = { mode: stats.mode & 0o7777, mtime: Math.floor(stats.mtimeMs / 1000) };
      if (stats.isSymbolicLink()) entries.set(path, { ...base, type: 'symlink', target: await readlink(absolute) });
      else if (stats.isDirectory()) {
        entries.set(path, { ...base, type: 'dir' });
        await visit(path);
      } else if (stats.isFile())
        entries.set(path, { ...base, type: 'file', size: stats.size, sha256: await sha256(absolute) });
      else entries.set(path, { ...base, type: 'other' });
    }
  };
  await visit('');
  return entries;
}

export interface CompareOptions {
  /** Compare modes too (default true). */
  modes?: boolean;
  /** Compare mtimes of files, links and folders too (default true). */
  mtimes?: boolean;
}

/**
 * How two trees differ, one line per difference (`missing: a/b`, `content differs: c`); empty when
 * they are the same. `actual` and `expected` are folders or snapshots of them.
 */
export async function compareTrees(
  actual: string | TreeSnapshot,
  expected: string | TreeSnapshot,
  options: CompareOptions = {},
): Promise<string[]> {
  const [got, want] = await Promise.all([asSnapshot(actual), asSnapshot(expected)]);
  const differences: string[] = [];
  for (const [path, entry] of want) {
    const other = got.get(path);
    if (!other) differences.push(`missing: ${path}`);
    else if (other.type !== entry.type) differences.push(`${path}: a ${other.type}, expected a ${entry.type}`);
    else if (entry.type === 'file' && (other.size !== entry.size || other.sha256 !== entry.sha256))
      differences.push(`content differs: ${path}`);
    else if (entry.type === 'symlink' && other.target !== entry.target)
      differences.push(`${path}: links to ${other.target}, expected ${entry.target}`);
    else if ((options.modes ?? true) && other.mode !== entry.mode)
      differences.push(`${path}: mode ${octal(other.mode)}, expected ${octal(entry.mode)}`);
    else if ((options.mtimes ?? true) && other.mtime !== entry.mtime)
      differences.push(`${path}: mtime ${other.mtime}, expected ${entry.mtime}`);
  }
  for (const path of got.keys()) if (!want.has(path)) differences.push(`unexpected: ${path}`);
  return differences;
}

async function asSnapshot(tree: string | TreeSnapshot): Promise<TreeSnapshot> {
  return typeof tree === 'string' ? snapshotTree(tree) : tree;
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export interface AwkwardTreeOptions {
  /** Size of the one big file of random bytes, in bytes (none by default). */
  bigFile?: number;
  /** How many small files (default 100). */
  smallFiles?: number;
}

/**
 * A tree with what breaks backup tools: unicode and spaces in names, an empty folder, a symlink (also a
 * dangling one), a 0-byte file, odd modes, old mtimes, a name over 100 bytes, one big file and many small ones.
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

/** `size` random bytes, written in chunks (never all in memory). */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    const chunk = 8 * 1024 * 1024;
    for (let written = 0; written < size; written += chunk)
      await file.write(randomBytes(Math.min(chunk, size - written)));
  } finally {
    await file.close();
  }
}
