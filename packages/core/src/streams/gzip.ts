import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

/** Input is compressed in blocks of this size, each on a thread of its own. */
const BLOCK = 1024 * 1024;
/** Compressed output comes in pieces of this size. */
const OUTPUT_CHUNK = 64 * 1024;
/** deflate looks back this far: each block gets the previous one's tail as its dictionary. */
const WINDOW = 32 * 1024;
/** libuv's thread pool has 4 threads unless UV_THREADPOOL_SIZE says otherwise: more blocks would only wait. */
const THREAD_POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * gzip on several cores (up to libuv's thread pool), as pigz does it: the input is cut into 1 MiB blocks, each deflated on libuv's
 * thread pool with the 32 KiB before it as its dictionary (so the ratio stays that of one stream),
 * and the results are joined in order into one ordinary gzip member that any gunzip reads.
 *
 * The bytes depend only on the input and the level, never on timing or the machine: blocks are
 * joined in input order, and the header has no name, no time and the OS byte "unknown" (255).
 */
export function createDeterministicGzip(level: number): Transform {
  return new ParallelGzip(level, Math.min(availableParallelism(), THREAD_POOL) + 1);
}

class ParallelGzip extends Transform {
  /** Input blocks done with, for reuse: memory stays flat, and there is no garbage for each MiB. */
  private readonly spare: Buffer[] = [];
  private block: Buffer = Buffer.allocUnsafe(BLOCK);
  private filled = 0;
  /** The last WINDOW bytes of input before the current block. */
  private window: Buffer | undefined;
  private crc = 0;
  private size = 0;
  /** Blocks being compressed, in input order. */
  private readonly inFlight: { input: Buffer; output: Promise<Buffer[]> }[] = [];
  private started = false;

  constructor(
    private readonly level: number,
    private readonly maxInFlight: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.size = (this.size + chunk.length) % 2 ** 32;
    this.fill(chunk).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.dispatch(true)
      .then(async () => {
        while (this.inFlight.length > 0) await this.pushOldest();
        const trailer = Buffer.alloc(8);
        trailer.writeUInt32LE(this.crc >>> 0, 0);
        trailer.writeUInt32LE(this.size, 4);
        this.push(trailer);
      })
      .then(() => callback(), callback);
  }

  /** Copies `chunk` into blocks, sending each full one off to be compressed. */
  private async fill(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      const count = Math.min(BLOCK - this.filled, chunk.length - offset);
      chunk.copy(this.block, this.filled, offset, offset + count);
      this.filled += count;
      offset += count;
      if (this.filled === BLOCK) await this.dispatch(false);
    }
  }

  /** Starts compressing the current block; waits while too many are in flight (memory stays flat). */
  private async dispatch(last: boolean): Promise<void> {
    if (!this.started) {
      this.push(gzipHeader(this.level));
      this.started = true;
    }
    const input = this.block.subarray(0, this.filled);
    // zlib copies the dictionary when the job starts: the previous block may be reused once its own job is done.
    const output = deflateBlock(input, this.level, this.window, last);
    output.catch(() => {}); // its error is taken when its turn comes, below
    this.inFlight.push({ input: this.block, output });
    this.window = input.length >= WINDOW ? input.subarray(input.length - WINDOW) : undefined; // only the last block is short
    this.block = this.spare.pop() ?? Buffer.allocUnsafe(BLOCK);
    this.filled = 0;
    while (this.inFlight.length >= this.maxInFlight) await this.pushOldest();
  }

  /** Waits for the oldest block's compressed bytes, passes them on, and keeps its input block for reuse. */
  private async pushOldest(): Promise<void> {
    const { input, output } = this.inFlight.shift()!;
    for (const chunk of await output) this.push(chunk);
    this.spare.push(input);
  }
}

/**
 * Raw deflate of one block. A block that is not the last ends with a sync flush (an empty stored
 * block, byte-aligned), so that the next block's output can simply follow it.
 */
function deflateBlock(input: Buffer, level: number, dictionary: Buffer | undefined, last: boolean): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const finishFlush = last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
    // The output as zlib makes it, in 64 KiB pieces, never joined: no copy, and no buffer bigger than needed.
    const deflate = createDeflateRaw({
      level,
      finishFlush,
      chunkSize: OUTPUT_CHUNK,
      ...(dictionary ? { dictionary } : {}),
    });
    const chunks: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
    deflate.once('end', () => resolve(chunks));
    deflate.once('error', reject);
    deflate.end(input);
  });
}

/** The 10-byte gzip header: deflate, no flags, no time, the level hint zlib writes, OS unknown. */
function gzipHeader(level: number): Buffer {
  const extraFlags = level === 9 ? 2 : level === 1 ? 4 : 0;
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 255]);
}
