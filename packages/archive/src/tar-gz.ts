import { constants, createWriteStream, type Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { closeFd, fstatFd, openFd, readChunk, readSmall } from './fd.js';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { createDeterministicGzip, hashingStream, rememberDigest } from '@pickup/core/plugin';
import { zstdStream } from './zstd.js';
import { walk, type WalkEntry } from './walk.js';

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

const CHUNK = 256 * 1024;

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

  const pack = tar.pack();
  const output = createWriteStream(destination, { flags: 'wx', mode: 0o600 });
  const hashing = hashingStream(); // the manifest's sha256, without reading the archive again
  const zstd = options.compression === 'zstd' ? zstdStream({ level: options.zstdLevel ?? 3 }, abort.signal) : undefined;
  const compressor =
    options.compression === 'none' ? undefined : zstd ? zstd.stream : createDeterministicGzip(options.gzipLevel ?? 6);
  const piping = compressor
    ? pipeline(pack, compressor, hashing.stream, output, { signal: abort.signal })
    : pipeline(pack, hashing.stream, output, { signal: abort.signal });
  const writing = piping.then(() => zstd?.finished);
  writing.catch(stop);

  const onProgress = options.onProgress ?? (() => {});
  const packing: Packing = { pack, stats, onProblem: options.onProblem, onProgress, signal: abort.signal };
  const producing = (async () => {
    const onError = (path: string, error: NodeJS.ErrnoException) => options.onProblem(path, describeError(error));
    const entries = walk(root, {
      exclude: options.exclude ?? [],
      onError,
      ...(options.only ? { only: options.only } : {}),
    });
    for await (const entry of entries) {
      abort.signal.throwIfAborted();
      if (await addEntry(packing, await prepareEntry(entry))) stats.entries++;
      onProgress(stats);
    }
    pack.finalize();
  })();
  producing.catch((error: unknown) => {
    stop(error);
    pack.destroy(error as Error);
  });

  const results = await Promise.allSettled([producing, writing]);
  options.signal?.removeEventListener('abort', onOuterAbort);
  if (results.some((result) => result.status === 'rejected')) throw firstError;
  await rememberDigest(destination, hashing.sha256());
  return stats;
}

/** What every entry is added with. */
interface Packing {
  pack: tar.Pack;
  stats: TarGzStats;
  onProblem: TarGzOptions['onProblem'];
  onProgress: NonNullable<TarGzOptions['onProgress']>;
  signal: AbortSignal;
}

/** Files up to this size are read whole when prepared; bigger ones are streamed when archived. */
const SMALL_FILE = 256 * 1024;

/** An entry with its file system work done: what to archive, or why it cannot be. */
interface Prepared {
  entry: WalkEntry;
  /** Why it cannot be archived, reported when its turn comes. */
  problem?: string;
  linkname?: string;
  /** A file's stats, taken from the file as opened. */
  stats?: Stats;
  /** A small file's content as read (shorter than stats.size if it shrank). */
  content?: Buffer;
  /** A big file's descriptor, open, to stream from. */
  fd?: number;
}

async function prepareEntry(entry: WalkEntry): Promise<Prepared> {
  if (entry.stats.isSymbolicLink()) {
    return readlink(entry.absolute).then(
      (linkname) => ({ entry, linkname }),
      (error: NodeJS.ErrnoException) => ({ entry, problem: describeError(error) }),
    );
  }
  return entry.stats.isFile() ? prepareFile(entry) : { entry };
}

async function prepareFile(entry: WalkEntry): Promise<Prepared> {
  let fd: number;
  try {
    // O_NONBLOCK: a file replaced by a FIFO after it was listed must not hang the run in open();
    // for a regular file it changes nothing.
    fd = openFd(entry.absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return { entry, problem: describeError(error as NodeJS.ErrnoException) };
  }
  try {
    // Describe the file we opened, not the one we listed: it may have changed in between.
    const stats = fstatFd(fd);
    if (!stats.isFile()) {
      closeFd(fd);
      return { entry, problem: 'was replaced by something else while being archived' };
    }
    if (stats.size > SMALL_FILE) return { entry, stats, fd }; // streamed when its turn comes, then closed
    const content = Buffer.allocUnsafe(stats.size);
    const read = readSmall(fd, content);
    closeFd(fd);
    return { entry, stats, content: content.subarray(0, read) };
  } catch (error) {
    try {
      closeFd(fd);
    } catch {
      // already reporting the first problem
    }
    return { entry, problem: describeError(error as NodeJS.ErrnoException) };
  }
}

/** Closes what a prepared entry holds. */
async function release(prepared: Prepared): Promise<void> {
  if (prepared.fd !== undefined) closeFd(prepared.fd);
  prepared.fd = undefined;
}

/** Adds one entry; returns false when it was left out. */
async function addEntry(packing: Packing, prepared: Prepared): Promise<boolean> {
  const { pack, onProblem } = packing;
  const { entry, problem } = prepared;
  const { path, stats: lstats } = entry;
  if (problem !== undefined) {
    await release(prepared);
    onProblem(path, problem);
    return false;
  }
  if (lstats.isDirectory()) return addHeader(pack, { ...headerOf(`${path}/`, lstats), type: 'directory' });
  if (lstats.isSymbolicLink())
    return addHeader(pack, { ...headerOf(path, lstats), type: 'symlink', linkname: prepared.linkname! });
  if (lstats.isFile()) return addFile(packing, prepared);
  if (lstats.isFIFO()) return addHeader(pack, { ...headerOf(path, lstats), type: 'fifo' });
  if (lstats.isCharacterDevice() || lstats.isBlockDevice()) {
    const type = lstats.isCharacterDevice() ? 'character-device' : 'block-device';
    return addHeader(pack, { ...headerOf(path, lstats), type, ...deviceNumbers(lstats.rdev) });
  }
  return false; // sockets: nothing to restore, as with GNU tar
}

async function addFile({ pack, stats, onProblem, onProgress, signal }: Packing, prepared: Prepared): Promise<boolean> {
  const { entry, fd, content } = prepared;
  const size = prepared.stats!.size;
  const onShrink = (missing: number) =>
    onProblem(entry.path, `shrank by ${missing} bytes while being read; the rest was filled with zeros`);
  try {
    const data =
      fd !== undefined ? counted(readExactly(fd, size, onShrink), stats, onProgress) : padded(content!, size, onShrink);
    await writeEntry(pack, { ...headerOf(entry.path, prepared.stats!), type: 'file', size }, data, signal);
  } finally {
    await release(prepared);
  }
  stats.files++;
  stats.bytes += size;
  return true;
}

/** A big file's chunks, each reported as progress as it goes by. */
async function* counted(
  chunks: AsyncIterable<Buffer>,
  stats: TarGzStats,
  onProgress: Packing['onProgress'],
): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of chunks) {
    read += chunk.length;
    onProgress({ ...stats, bytes: stats.bytes + read });
    yield chunk;
  }
}

/** A small file's content, padded with zeros to the size it had when opened if it shrank while read. */
async function* padded(content: Buffer, size: number, onShrink: (missing: number) => void): AsyncGenerator<Buffer> {
  if (content.length > 0) yield content;
  if (content.length < size) {
    onShrink(size - content.length);
    yield Buffer.alloc(size - content.length);
  }
}

/** Yields exactly `size` bytes of the file: a file that shrinks is padded, so the archive stays readable. */
async function* readExactly(fd: number, size: number, onShrink: (missing: number) => void): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size - position));
    const bytesRead = await readChunk(fd, buffer, position);
    if (bytesRead === 0) {
      onShrink(size - position);
      for (let left = size - position; left > 0; left -= CHUNK) yield Buffer.alloc(Math.min(CHUNK, left));
      return;
    }
    position += bytesRead;
    yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  }
}

type TarHeader = Partial<tar.Header> & { name: string };

/** The part of tar-stream's entry stream used here (its published types require an argument to `end`). */
interface EntrySink {
  write(chunk: Buffer): boolean;
  end(): void;
  once(event: 'drain', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

/** Streams `content` into a new entry, waiting whenever the archive's reader is behind. */
async function writeEntry(
  pack: tar.Pack,
  header: TarHeader,
  content: AsyncIterable<Buffer>,
  signal: AbortSignal,
): Promise<void> {
  let sink!: EntrySink;
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (error) => (error ? reject(error) : resolve())) as unknown as EntrySink;
  });
  sink.on('error', () => {}); // reported through the entry's callback above
  done.catch(() => {}); // observed through the races below, which an abort may win
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // observed through the races below
  const drained = () => new Promise<void>((resolve) => sink.once('drain', resolve));
  try {
    for await (const chunk of content) {
      signal.throwIfAborted();
      if (!sink.write(chunk)) await Promise.race([drained(), done, aborted]);
    }
    sink.end();
    await Promise.race([done, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function addHeader(pack: tar.Pack, header: TarHeader): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve(true)));
    sink.on('error', () => {}); // reported through the callback
  });
}

function headerOf(path: string, stats: Stats): TarHeader {
  return {
    name: path,
    // The whole st_mode: tar-stream keeps its permission bits, and would replace a bare 0 (chmod 000) by its default.
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    // Whole seconds, as tar stores them: the archive must not depend on sub-second noise.
    mtime: new Date(Math.floor(stats.mtimeMs / 1000) * 1000),
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
