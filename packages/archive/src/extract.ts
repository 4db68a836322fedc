import { createReadStream } from 'node:fs';
import { chown, lchown, link, lstat, lutimes, mkdir, open, symlink, unlink, utimes, chmod, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { allSettledOrFirstFailure } from './settled.js';
import { createGunzip } from 'node:zlib';
import { Duplex } from 'node:stream';
import type * as tar from 'tar-stream';
import { zstdStream } from './zstd.js';

export interface ExtractOptions {
  /** An entry that is not restored (FIFOs and devices, which Node cannot create): reported, skipped. */
  onSkip(path: string, why: string): void;
  /** Restore only entries under these top-level names (empty: all). */
  only?: readonly string[];
  signal?: AbortSignal;
}

export interface ExtractStats {
  entries: number;
  bytes: number;
  /** The top-level names restored (what `only` matched). */
  topLevel: Set<string>;
}

/** A gzip member starts with these bytes (RFC 1952), a zstd frame with those (RFC 8878). */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * How the archive is compressed, from its first bytes. A plain tar starts with its first entry's name, and the
 * names written here are UTF-8, which neither magic is.
 */
async function compressionOf(archive: string): Promise<'gzip' | 'zstd' | 'none'> {
  const file = await open(archive, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
    if (bytesRead === 4 && head.equals(ZSTD_MAGIC)) return 'zstd';
    return 'none';
  } finally {
    await file.close();
  }
}

/**
 * Extracts a .tar.gz (or .tar.zst, or a plain .tar: told apart by their first bytes) into `into`, never writing
 * outside it: entries with absolute paths or `..` are refused, and nothing is written through a symlink (an
 * archive may hold `link -> /etc` and then `link/passwd`). Modes and mtimes are restored, and owners when
 * running as root.
 */
export async function extractTarGz(archive: string, into: string, options: ExtractOptions): Promise<ExtractStats> {
  const stats: ExtractStats = { entries: 0, bytes: 0, topLevel: new Set() };
  const folders: { path: string; mode: number; mtime: Date; header: tar.Header }[] = [];
  const asRoot = process.getuid?.() === 0;
  // tar-stream is loaded here, on first use: commands that only check a config do without it.
  const { extract: tarExtract } = await import('tar-stream');
  const extract = tarExtract();
  const consume = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const relative = safeRelative(header.name);
      if (!selected(relative, options.only)) {
        entry.resume();
        continue;
      }
      stats.topLevel.add(relative.split('/')[0]!);
      const target = join(into, relative);
      await ensureParents(into, relative);
      switch (header.type) {
        case 'directory':
          await makeFolder(target);
          folders.push({ path: target, mode: header.mode & 0o7777, mtime: header.mtime, header });
          entry.resume();
          break;
        case 'file':
        case 'contiguous-file':
          stats.bytes += await writeFile(target, entry as AsyncIterable<Buffer>, options.signal);
          await restoreOwner(target, header, asRoot, false);
          await chmod(target, header.mode & 0o7777); // after chown, which clears set-uid bits
          await utimes(target, header.mtime, header.mtime);
          break;
        case 'symlink':
          await replace(target);
          await symlink(header.linkname, target);
          await restoreOwner(target, header, asRoot, true);
          await lutimes(target, header.mtime, header.mtime);
          entry.resume();
          break;
        case 'link': {
          const source = join(into, safeRelative(header.linkname));
          await ensureParents(into, safeRelative(header.linkname));
          await replace(target);
          await link(source, target);
          entry.resume();
          break;
        }
        default:
          options.onSkip(relative, `is a ${header.type}, which is not restored`);
          entry.resume();
      }
      stats.entries++;
    }
  })();
  const compression = await compressionOf(archive);
  const zstd = compression === 'zstd' ? zstdStream({ decompress: true }, options.signal) : undefined;
  const decompressing =
    compression === 'none'
      ? []
      : [zstd ? Duplex.from({ writable: zstd.input, readable: zstd.output }) : createGunzip()];
  const reading = pipeline(
    [createReadStream(archive), ...decompressing, extract],
    options.signal ? { signal: options.signal } : {},
  );
  // Both settled before it rejects: once a caller hears of an abort or an error, nothing more is written.
  // The first failure is the cause (an entry refused ends the reading too, as a premature close).
  await allSettledOrFirstFailure([reading.then(() => zstd?.finished), consume]);
  // Folders last, deepest first: writing into a folder changes its mtime, and a read-only one would refuse.
  for (const folder of folders.reverse()) {
    await restoreOwner(folder.path, folder.header, asRoot, false);
    await chmod(folder.path, folder.mode);
    await utimes(folder.path, folder.mtime, folder.mtime);
  }
  return stats;
}

/** The entry's path, normalised; throws for one that would land outside the destination. */
function safeRelative(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  const normal = posix.normalize(trimmed);
  if (
    trimmed === '' ||
    posix.isAbsolute(trimmed) ||
    normal === '..' ||
    normal.startsWith('../') ||
    trimmed.split('/').includes('..')
  ) {
    throw new Error(`the archive entry "${name}" points outside the destination; refusing to restore it`);
  }
  return normal;
}

function selected(relative: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  const top = relative.split('/')[0];
  return only.includes(top!);
}

/** Makes the entry's parent folders; each must be a real folder, never a symlink to elsewhere. */
async function ensureParents(into: string, relative: string): Promise<void> {
  const parts = relative.split('/').slice(0, -1);
  let current = into;
  for (const part of parts) {
    current = join(current, part);
    const stats = await lstat(current).catch(() => undefined);
    if (!stats) await mkdir(current, { mode: 0o700 });
    else if (stats.isSymbolicLink())
      throw new Error(`the archive entry "${relative}" would be written through the symlink ${current}; refusing`);
    else if (!stats.isDirectory()) throw new Error(`the archive entry "${relative}" needs ${current} to be a folder`);
  }
}

async function makeFolder(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats?.isDirectory()) return;
  if (stats) await rm(path, { force: true });
  await mkdir(path, { mode: 0o700 });
}

/** Removes what is at `path` (a file or link, never followed) so a new entry can take its place. */
async function replace(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats) return;
  if (stats.isDirectory()) throw new Error(`${path} is a folder; the archive has something else there`);
  await unlink(path);
}

async function writeFile(path: string, content: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<number> {
  await replace(path);
  const handle = await open(path, 'wx', 0o600);
  let bytes = 0;
  try {
    for await (const chunk of content) {
      signal?.throwIfAborted(); // chunks already read stay unwritten once the caller stopped
      await handle.write(chunk);
      bytes += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

async function restoreOwner(path: string, header: tar.Header, asRoot: boolean, isLink: boolean): Promise<void> {
  if (!asRoot) return;
  await (isLink ? lchown : chown)(path, header.uid, header.gid);
}
