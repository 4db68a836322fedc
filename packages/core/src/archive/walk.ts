import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';

export interface WalkEntry {
  /** Path relative to the walked folder, `/`-separated, no leading `./`. */
  path: string;
  absolute: string;
  stats: Stats;
}

export interface WalkOptions {
  /** Glob patterns of paths to leave out; a pattern without `/` matches a name at any depth. */
  exclude: readonly string[];
  /** Called for an entry that cannot be listed or looked at; the walk goes on without it. */
  onError(path: string, error: NodeJS.ErrnoException): void;
}

/**
 * Yields every entry below `root` depth first, each folder's entries in a fixed order (by name), a
 * folder before its contents, symlinks not followed. Holds one folder listing per level, never the tree.
 */
export async function* walk(root: string, options: WalkOptions): AsyncGenerator<WalkEntry> {
  const excluded = excluder(options.exclude);
  yield* walkFolder(root, '', excluded, options.onError);
}

async function* walkFolder(
  root: string,
  prefix: string,
  excluded: (path: string, isDir: boolean) => boolean,
  onError: WalkOptions['onError'],
): AsyncGenerator<WalkEntry> {
  let names: string[];
  try {
    names = (await readdir(join(root, prefix), { withFileTypes: true })).map((dirent: Dirent) => dirent.name);
  } catch (error) {
    onError(prefix || '.', error as NodeJS.ErrnoException);
    return;
  }
  names.sort(compareNames);
  for (const name of names) {
    const path = prefix ? `${prefix}/${name}` : name;
    const absolute = join(root, path);
    let stats: Stats;
    try {
      stats = await lstat(absolute);
    } catch (error) {
      onError(path, error as NodeJS.ErrnoException);
      continue;
    }
    if (excluded(path, stats.isDirectory())) continue;
    yield { path, absolute, stats };
    if (stats.isDirectory()) yield* walkFolder(root, path, excluded, onError);
  }
}

/** Byte order of the UTF-8 names, the same on every machine and locale. */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function excluder(patterns: readonly string[]): (path: string, isDir: boolean) => boolean {
  if (patterns.length === 0) return () => false;
  // As in .gitignore, a pattern without `/` (`*.log`, `node_modules`) matches a name at any depth.
  const globs = patterns.map((pattern) => (pattern.includes('/') ? pattern : `**/${pattern}`));
  const matches = picomatch(globs, { dot: true });
  // `cache/` and `**/cache/**` leave out the folder itself, not only what is in it.
  return (path, isDir) => matches(path) || (isDir && matches(`${path}/`));
}
