import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { lstatPath } from './fd.js';
import { join } from 'node:path';

export interface WalkEntry {
  /** Path relative to the walked folder, `/`-separated, no leading `./`. */
  path: string;
  absolute: string;
  stats: Stats;
}

export interface WalkOptions {
  /** Glob patterns of paths to leave out, with .gitignore's rules (see `excluder`). */
  exclude: readonly string[];
  /** Called for an entry that cannot be listed or looked at; the walk goes on without it. */
  onError(path: string, error: NodeJS.ErrnoException): void;
  /** Walk only these top-level entries of the folder (and what is below them); default: all. */
  only?: readonly string[];
}

/**
 * Yields every entry below `root` depth first, each folder's entries in a fixed order (by name), a
 * folder before its contents, symlinks not followed. Holds one folder listing per level, never the tree.
 */
export async function* walk(root: string, options: WalkOptions): AsyncGenerator<WalkEntry> {
  const excluded = await excluder(options.exclude);
  yield* walkFolder(root, '', excluded, options.onError, options.only);
}

async function* walkFolder(
  root: string,
  prefix: string,
  excluded: (path: string, isDir: boolean) => boolean,
  onError: WalkOptions['onError'],
  only?: readonly string[],
): AsyncGenerator<WalkEntry> {
  let names: string[];
  try {
    names = only ? [...only] : await listNames(join(root, prefix), prefix, onError);
  } catch (error) {
    onError(prefix || '.', error as NodeJS.ErrnoException);
    return;
  }
  names = sortedByBytes(names);
  for (const name of names) {
    const path = prefix ? `${prefix}/${name}` : name;
    const absolute = join(root, path);
    let stats: Stats;
    try {
      stats = lstatPath(absolute);
    } catch (error) {
      onError(path, error as NodeJS.ErrnoException);
      continue;
    }
    if (excluded(path, stats.isDirectory())) continue;
    yield { path, absolute, stats };
    if (stats.isDirectory()) yield* walkFolder(root, path, excluded, onError);
  }
}

/**
 * The names in a folder. A name that is not valid UTF-8 cannot be archived faithfully (tar paths
 * here are UTF-8): it is reported and left out, never stored under a mangled name.
 */
async function listNames(folder: string, prefix: string, onError: WalkOptions['onError']): Promise<string[]> {
  // As strings first: a name that is not UTF-8 comes back with U+FFFD in it, and only then are the
  // folder's names read again as bytes (one buffer per name is a lot for a folder of many files).
  const names = await readdir(folder);
  if (!names.some((name) => name.includes('\uFFFD'))) return names;
  const valid: string[] = [];
  for (const raw of await readdir(folder, { encoding: 'buffer' })) {
    const name = raw.toString('utf8');
    if (Buffer.from(name, 'utf8').equals(raw)) valid.push(name);
    else {
      const shown = prefix ? `${prefix}/${escapeName(raw)}` : escapeName(raw);
      onError(
        shown,
        Object.assign(new Error('its name is not valid UTF-8; rename it to back it up'), { code: 'EILSEQ' }),
      );
    }
  }
  return valid;
}

/** A name for messages: printable ASCII and valid UTF-8 as is, other bytes as \xNN. */
export function escapeName(raw: Buffer): string {
  let text = '';
  const decoded = raw.toString('latin1');
  for (let i = 0; i < raw.length; i++)
    text += raw[i]! < 0x20 || raw[i]! >= 0x7f ? `\\x${raw[i]!.toString(16).padStart(2, '0')}` : decoded[i];
  return text;
}

/** In byte order of their UTF-8, the same on every machine and locale. */
function sortedByBytes(names: string[]): string[] {
  // For ASCII, the order of UTF-16 code units (sort's own) is the byte order.
  if (names.every((name) => Buffer.byteLength(name) === name.length)) return names.sort();
  return names
    .map((name) => ({ name, bytes: Buffer.from(name) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ name }) => name);
}

/**
 * Exclude patterns follow .gitignore: a pattern without a `/` (`*.log`, `node_modules`) matches a name
 * at any depth; one with a `/` at its start or in its middle (`/build`, `./build`, `docs/tmp`) is
 * anchored at the folder being backed up; a trailing `/` (`cache/`) matches folders only. A folder
 * that matches is left out with everything in it.
 */
async function excluder(patterns: readonly string[]): Promise<(path: string, isDir: boolean) => boolean> {
  if (patterns.length === 0) return () => false;
  // Loaded on first use: commands that only check a config do without it.
  const { default: picomatch } = await import('picomatch');
  const rules = patterns.map((pattern) => {
    const foldersOnly = pattern.endsWith('/');
    const body = pattern.replace(/\/+$/, '');
    const anchored = body.includes('/');
    const glob = anchored ? body.replace(/^\.?\/+/, '') : `**/${body}`;
    return { foldersOnly, matches: picomatch(glob, { dot: true }) };
  });
  return (path, isDir) => rules.some((rule) => (!rule.foldersOnly || isDir) && rule.matches(path));
}
