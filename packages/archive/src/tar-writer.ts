import { readSync } from 'node:fs';
import { readChunk } from './fd.js';
import { encodeHeader, RECORD, type TarHeader } from './tar-header.js';

/** Takes a piece of the tar stream; resolves once its bytes are no longer needed (the block is then reused). */
export type BlockSink = (bytes: Buffer) => Promise<void>;

/** Big enough for a small file with its header (see smallFile). */
const BLOCK = 512 * 1024;
/** Files up to this size are read synchronously, whole, into the block (see fd.ts for why). */
export const SMALL_FILE = 256 * 1024;
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * Writes a tar stream into two reusable 512 KiB blocks: while the sink has one, the other fills. Headers
 * are encoded and file content is read straight into them, so archiving allocates nothing per chunk
 * of data and memory stays flat whatever the size of the tree.
 */
export class TarWriter {
  private readonly blocks = [Buffer.allocUnsafe(BLOCK), Buffer.allocUnsafe(BLOCK)];
  private current = 0;
  private filled = 0;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly sink: BlockSink) {}

  /** An entry without content: a folder, symlink, FIFO or device. */
  async header(header: TarHeader): Promise<void> {
    await this.put(encodeHeader(header));
  }

  /**
   * A small file (at most SMALL_FILE bytes), read from `fd` synchronously. Header and content go in
   * together: if reading fails, nothing of the entry is written and the read's error is returned. A file
   * that shrank is padded with zeros to `header.size` (the archive stays readable) and `onShrink` told.
   */
  async smallFile(
    header: TarHeader,
    fd: number,
    onShrink: (missing: number) => void,
  ): Promise<NodeJS.ErrnoException | undefined> {
    const encoded = encodeHeader(header);
    const padded = header.size + padding(header.size);
    if (BLOCK - this.filled < encoded.length + padded) await this.flush();
    const start = this.filled;
    const block = this.blocks[this.current]!;
    encoded.copy(block, start);
    const contentStart = start + encoded.length;
    let read = 0;
    try {
      for (let got = -1; got !== 0 && read < header.size; read += got)
        got = readSync(fd, block, contentStart + read, header.size - read, read);
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
    block.fill(0, contentStart + read, contentStart + padded);
    this.filled = contentStart + padded;
    if (read < header.size) onShrink(header.size - read);
    return undefined;
  }

  /**
   * A file of any size, read from `fd` chunk by chunk on the thread pool. `onChunk` is told the bytes
   * read so far; a file that shrank is padded as in smallFile.
   */
  async bigFile(
    header: TarHeader,
    fd: number,
    signal: AbortSignal,
    onChunk: (read: number) => void,
    onShrink: (missing: number) => void,
  ): Promise<void> {
    await this.put(encodeHeader(header));
    let position = 0;
    while (position < header.size) {
      signal.throwIfAborted();
      if (this.filled === BLOCK) await this.flush();
      const wanted = Math.min(BLOCK - this.filled, header.size - position);
      const read = await readChunk(
        fd,
        this.blocks[this.current]!.subarray(this.filled, this.filled + wanted),
        position,
      );
      if (read === 0) {
        onShrink(header.size - position);
        await this.zeros(header.size - position);
        break;
      }
      this.filled += read;
      position += read;
      onChunk(position);
    }
    await this.zeros(padding(header.size));
  }

  /** Ends the archive (two zero records) and hands over what is left; resolves once the sink has it all. */
  async finish(): Promise<void> {
    await this.zeros(2 * RECORD);
    await this.flush();
    await this.sending;
  }

  private async put(bytes: Buffer): Promise<void> {
    for (let offset = 0; offset < bytes.length; ) {
      if (this.filled === BLOCK) await this.flush();
      const copied = bytes.copy(this.blocks[this.current]!, this.filled, offset);
      this.filled += copied;
      offset += copied;
    }
  }

  private async zeros(count: number): Promise<void> {
    for (let left = count; left > 0; left -= ZEROS.length)
      await this.put(ZEROS.subarray(0, Math.min(left, ZEROS.length)));
  }

  /** Hands the filled part of the current block to the sink once it is done with the other one. */
  private async flush(): Promise<void> {
    await this.sending;
    if (this.filled === 0) return;
    const sent = this.sink(this.blocks[this.current]!.subarray(0, this.filled));
    sent.catch(() => {}); // awaited before the next block, or in finish
    this.sending = sent;
    this.current = 1 - this.current;
    this.filled = 0;
  }
}

function padding(size: number): number {
  return (RECORD - (size % RECORD)) % RECORD;
}
