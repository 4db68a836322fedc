import { constants, type Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { addAbortSignal, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { allSettledOrFirstFailure } from './settled.js';
import { createDeterministicGzip, rememberDigest } from '@pickup/core/plugin';
import { closeFd, fstatFd, openFd } from './fd.js';
import { hashedFile } from './hashed-file.js';
import type { TarHeader } from './tar-header.js';
import { SMALL_FILE, TarWriter } from './tar-writer.js';
import { walk, type WalkEntry } from './walk.js';
import { zstdStream } from './zstd.js';
export interface TarGzOptions {
  /** Glob patterns of paths to leave out (see `walk`). */
  exclude?: readonly string[];
  /** Archive only these top-level entries of the folder; default: all. Paths stay relative to the folder. */
  only?: readonly string[];
  /** gzip (the default), zstd (through the `zstd` command), or none: a plain tar. */
  compression?: 'gzip' | 'zstd' | 'none';
  /** 1 (fast) to 9 (small). */
  gzipLevel?: number;
  /** 1 (fast) to 19 (small). */
  zstdLevel?: number;
  /** A file or folder that could not be archived whole: it vanished, could not be read, or shrank. */
  onProblem(path: string, problem: string): void;
  /** Told the counts so far after every entry, and every chunk of a big file (for a live display). */
  onProgress?(stats: Readonly<TarGzStats>): void;
  signal?: AbortSignal;
}

export interface TarGzStats {
  entries: number;
  files: number;
  /** Bytes of file content archived (before compression). */
  bytes: number;
}

/**
 * Writes `root`'s contents as a gzip'd (or zstd'd, or plain) tar to `destination` (which must not exist), streaming: memory
 * does not grow with the tree. Paths are relative, symlinks are stored as links, empty folders,
 * modes, owners and mtimes are kept. The same tree gives the same bytes on every run and machine.
 */
export async function writeTarGz(root: string, destination: string, options: TarGzOptions): Promise<TarGzStats> {
  const stats: TarGzStats = { entries: 0, files: 0, bytes: 0 };
  const abort = new AbortController();
  // Whichever side fails first stops the other; its error is the one worth reporting.
  let firstError: unknown;
  const stop = (reason: unknown) => {
    firstError ??= reason;
    abort.abort(reason);
  };
  const onOuterAbort = () => stop(options.signal?.reason);
  if (options.signal?.aborted)
    onOuterAbort(); // an abort event that already fired will not fire again
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const file = hashedFile(destination); // the manifest's sha256, without reading the archive again
  const zstd = options.compression === 'zstd' ? zstdStream({ level: options.zstdLevel ?? 3 }, abort.signal) : undefined;
  const gzip = options.compression === 'none' || zstd ? undefined : createDeterministicGzip(options.gzipLevel ?? 6);
  // The stream the tar goes into, and the writing that ends once the file is complete.
  const head: Writable = gzip ?? zstd?.input ?? file.stream;
  const writing = gzip
    ? pipeline(gzip, file.stream, { signal: abort.signal })
    : zstd
      ? allSettledOrFirstFailure([pipeline(zstd.output, file.stream, { signal: abort.signal }), zstd.finished])
      : finished(addAbortSignal(abort.signal, file.stream));
  writing.catch(stop);
  head.on('error', stop); // zstd's stdin, when zstd is gone

  const writer = new TarWriter((bytes) => writeTo(head, bytes, abort.signal));
  const archiving: Archiving = {
    writer,
    stats,
    onProblem: options.onProblem,
    onProgress: options.onProgress,
    signal: abort.signal,
  };
  const producing = (async () => {
    const onError = (path: string, error: NodeJS.ErrnoException) => options.onProblem(path, describeError(error));
    const entries = walk(root, {
      exclude: options.exclude ?? [],
      onError,
      ...(options.only ? { only: options.only } : {}),
    });
    for await (const entry of entries) {
      abort.signal.throwIfAborted();
      if (await addEntry(archiving, entry)) stats.entries++;
      options.onProgress?.(stats);
    }
    await writer.finish();
    head.end();
  })();
  producing.catch(stop);

  const results = await Promise.allSettled([producing, writing]);
  options.signal?.removeEventListener('abort', onOuterAbort);
  if (results.some((result) => result.status === 'rejected')) {
    file.stream.destroy();
    throw firstError;
  }
  await rememberDigest(destination, file.sha256());
  return stats;
}

/**
 * Writes `bytes`; resolves once the stream no longer needs them. A stream destroyed midway may never call
 * back (a Transform holds the callback until its output is read): the abort ends the wait.
 */
function writeTo(stream: Writable, bytes: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.write(bytes, (error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** What every entry is added with. */
interface Archiving {
  writer: TarWriter;
  stats: TarGzStats;
  onProblem: TarGzOptions['onProblem'];
  onProgress: TarGzOptions['onProgress'];
  signal: AbortSignal;
}

/** Adds one entry; returns false when it was left out (and reported). */
async function addEntry(archiving: Archiving, entry: WalkEntry): Promise<boolean> {
  const { writer, onProblem } = archiving;
  const { path, stats } = entry;
  if (stats.isFile()) return addFile(archiving, entry);
  if (stats.isDirectory()) await writer.header(headerOf(`${path}/`, stats, 'directory'));
  else if (stats.isSymbolicLink()) {
    let linkname: string;
    try {
      linkname = await readlink(entry.absolute);
    } catch (error) {
      onProblem(path, describeError(error as NodeJS.ErrnoException));
      return false;
    }
    await writer.header({ ...headerOf(path, stats, 'symlink'), linkname });
  } else if (stats.isFIFO()) await writer.header(headerOf(path, stats, 'fifo'));
  else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    const type = stats.isCharacterDevice() ? 'character-device' : 'block-device';
    await writer.header({ ...headerOf(path, stats, type), ...deviceNumbers(stats.rdev) });
  } else return false; // sockets: nothing to restore, as with GNU tar
  return true;
}

async function addFile({ writer, stats: counts, onProblem, onProgress, signal }: Archiving, entry: WalkEntry) {
  let fd: number;
  try {
    // O_NONBLOCK: a file replaced by a FIFO after it was listed must not hang the run in open();
    // for a regular file it changes nothing.
    fd = openFd(entry.absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    onProblem(entry.path, describeError(error as NodeJS.ErrnoException));
    return false;
  }
  const onShrink = (missing: number) =>
    onProblem(entry.path, `shrank by ${missing} bytes while being read; the rest was filled with zeros`);
  try {
    // Describe the file we opened, not the one we listed: it may have changed in between.
    let opened: Stats;
    try {
      opened = fstatFd(fd);
    } catch (error) {
      onProblem(entry.path, describeError(error as NodeJS.ErrnoException));
      return false;
    }
    if (!opened.isFile()) {
      onProblem(entry.path, 'was replaced by something else while being archived');
      return false;
    }
    const header = { ...headerOf(entry.path, opened, 'file'), size: opened.size };
    if (opened.size <= SMALL_FILE) {
      // A small file that cannot be read is left out: nothing of it has been written.
      const unreadable = await writer.smallFile(header, fd, onShrink);
      if (unreadable) {
        onProblem(entry.path, describeError(unreadable));
        return false;
      }
    } else {
      // A big file that fails midway fails the archive: part of it is written.
      const onChunk = (read: number) => onProgress?.({ ...counts, bytes: counts.bytes + read });
      await writer.bigFile(header, fd, signal, onChunk, onShrink);
    }
    counts.files++;
    counts.bytes += opened.size;
    return true;
  } finally {
    closeFd(fd);
  }
}

function headerOf(path: string, stats: Stats, type: TarHeader['type']): TarHeader {
  return {
    name: path,
    type,
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    // Whole seconds, as tar stores them: the archive must not depend on sub-second noise.
    mtime: Math.floor(stats.mtimeMs / 1000),
    size: 0,
  };
}

function deviceNumbers(rdev: number): { devmajor: number; devminor: number } {
  // Linux's dev_t layout (see major(3) and minor(3)).
  const big = BigInt(rdev);
  const devmajor = Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & ~0xfffn));
  const devminor = Number((big & 0xffn) | ((big >> 12n) & ~0xffn));
  return { devmajor, devminor };
}

function describeError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'vanished before it could be read';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    case 'ELOOP':
      return 'was replaced by a symlink while being archived';
    case 'EILSEQ':
      return error.message;
    default:
      return `cannot be read: ${error.message}`;
  }
}
