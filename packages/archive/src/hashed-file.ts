import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * A new file (it must not exist; mode 0600) written through a stream that also takes its sha256 (for
 * the manifest). A write's callback comes once its bytes are in the file, so the writer may reuse its
 * buffer then; chunks that queue up meanwhile go out in one writev.
 */
export function hashedFile(path: string): { stream: Writable; sha256(): string } {
  const hash = createHash('sha256');
  let handle: FileHandle | undefined;
  const stream = new Writable({
    construct(callback) {
      open(path, 'wx', 0o600).then((opened) => {
        handle = opened;
        callback();
      }, callback);
    },
    writev(chunks, callback) {
      const buffers = chunks.map(({ chunk }) => chunk as Buffer);
      for (const buffer of buffers) hash.update(buffer);
      writeAll(handle!, buffers).then(() => callback(), callback);
    },
    final(callback) {
      const closing = handle!.close();
      handle = undefined;
      closing.then(() => callback(), callback);
    },
    destroy(error, callback) {
      const closing = handle?.close() ?? Promise.resolve();
      handle = undefined;
      closing.then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

/** Writes every buffer in order; `pending` is emptied on the way. */
async function writeAll(handle: FileHandle, pending: Buffer[]): Promise<void> {
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending);
    // A short write (rare, for regular files): go on from where it stopped.
    while (pending.length > 0 && bytesWritten >= pending[0]!.length) bytesWritten -= pending.shift()!.length;
    if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
  }
}
