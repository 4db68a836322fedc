import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';

/** Bytes `start` to `start + length` of a file. */
export interface FileRange {
  path: string;
  start: number;
  length: number;
}

/** Read and sent this much at a time. */
const CHUNK = 256 * 1024;
/** Chunks of one stream read ahead or on their way out, at most. */
const BUFFERS = 4;

/**
 * Buffers of `CHUNK` bytes that no stream uses now, for the next ones: a push reads every byte through
 * the same few. A buffer per read would leave them to the garbage collector, which finds them late:
 * tens of MB above what a push needs.
 */
const spare: Buffer[] = [];
const SPARE_MAX = 32;
const takeBuffer = () => spare.pop() ?? Buffer.allocUnsafe(CHUNK);
const giveBack = (buffer: Buffer) => {
  if (spare.length < SPARE_MAX) spare.push(buffer);
};

/** Reads a range of a file a chunk at a time, into the buffers it is given; opens the file at the first read. */
class RangeReader {
  private handle: Promise<FileHandle> | undefined;
  private closed = false;
  private position: number;
  private readonly end: number;

  constructor(private readonly range: FileRange) {
    this.position = range.start;
    this.end = range.start + range.length;
  }

  /** The next chunk, in `buffer`; undefined at the end of the range. */
  async next(buffer: Buffer): Promise<Buffer | undefined> {
    if (this.closed) throw new Error(`${this.range.path} was closed`);
    if (this.position >= this.end) return undefined;
    this.handle ??= open(this.range.path, 'r');
    const handle = await this.handle;
    const { bytesRead } = await handle.read(
      buffer,
      0,
      Math.min(buffer.length, this.end - this.position),
      this.position,
    );
    if (bytesRead === 0) throw new Error(`the staged file ended at ${this.position} bytes, before ${this.end}`);
    this.position += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  /** Closes the file (once a read under way is done: FileHandle waits for it). */
  async close(): Promise<void> {
    this.closed = true;
    await this.handle?.then((handle) => handle.close()).catch(() => {});
  }
}

/**
 * A range of a file as a stream, for sending a staged file over a connection. Piped (`pipe`, or
 * `pipeline` to a Writable, as the AWS SDK and basic-ftp send), it reads into spare buffers, each given
 * back once the destination has written it (the write's callback): memory stays flat, where a read
 * stream's new buffer per read leaves tens of MB for the garbage collector to find late. Read
 * otherwise, it takes a new buffer for each chunk. A read that fails, or a file shorter than the range,
 * destroys the stream with that error.
 */
export function fileRangeStream(range: FileRange): Readable {
  return new FileRangeStream(range);
}

class FileRangeStream extends Readable {
  private readonly reader: RangeReader;
  /** Wakes a pump waiting for a free buffer, a drain or the end of either side. */
  private wake: (() => void) | undefined;

  constructor(range: FileRange) {
    super({ highWaterMark: CHUNK });
    this.reader = new RangeReader(range);
  }

  override _read(): void {
    this.reader.next(Buffer.allocUnsafe(CHUNK)).then(
      (chunk) => this.push(chunk ?? null),
      (error: Error) => this.destroy(error),
    );
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    this.pump(destination as unknown as Writable).catch((error: Error) => this.destroy(error));
    return destination;
  }

  private async pump(destination: Writable): Promise<void> {
    let inUse = 0;
    let blocked = false;
    const wakeUp = () => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    const drained = () => {
      blocked = false;
      wakeUp();
    };
    const gone = () => this.destroyed || destination.destroyed;
    destination.on('drain', drained);
    destination.on('close', wakeUp);
    try {
      for (;;) {
        while ((blocked || inUse >= BUFFERS) && !gone()) await new Promise<void>((resolve) => (this.wake = resolve));
        if (gone()) return;
        const buffer = takeBuffer();
        inUse++;
        const chunk = await this.reader.next(buffer).catch((error: unknown) => {
          giveBack(buffer);
          throw error;
        });
        if (!chunk || gone()) {
          giveBack(buffer);
          if (gone()) return;
          break;
        }
        // Called once the chunk is written out (or failed): only then may its buffer take another.
        blocked = !destination.write(chunk, () => {
          inUse--;
          giveBack(buffer);
          wakeUp();
        });
      }
      destination.end();
      // Ended as a read stream is, for whoever waits on its end (stream.pipeline does).
      this.push(null);
      this.resume();
    } finally {
      destination.off('drain', drained);
      destination.off('close', wakeUp);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.wake?.();
    this.reader.close().then(() => callback(error));
  }
}

/** The range's sha256 (hex), read a chunk at a time into one buffer. */
export async function sha256OfRange(range: FileRange, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const reader = new RangeReader(range);
  const buffer = takeBuffer();
  try {
    for (let chunk = await reader.next(buffer); chunk; chunk = await reader.next(buffer)) {
      signal?.throwIfAborted();
      hash.update(chunk);
    }
    return hash.digest('hex');
  } finally {
    giveBack(buffer);
    await reader.close();
  }
}
