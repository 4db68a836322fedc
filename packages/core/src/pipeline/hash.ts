import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The sha256 of a file, hex, read as a stream. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, signal ? { signal } : {});
  return hash.digest('hex');
}

/** A pass-through stream that hashes what goes through it: put it just before a file is written. */
export function hashingStream(): { stream: Transform; sha256(): string } {
  const hash = createHash('sha256');
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

interface Remembered {
  sha256: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** Digests of files written through a hashingStream, so the manifest need not read them again. */
const written = new Map<string, Remembered>();

/** Remembers the sha256 of a file just written (and closed): `digestOf` uses it while the file is unchanged. */
export async function rememberDigest(path: string, sha256: string): Promise<void> {
  const { ino, size, mtimeMs, ctimeMs } = await stat(path);
  written.set(path, { sha256, ino, size, mtimeMs, ctimeMs });
}

/**
 * The sha256 of a file whose `stats` were just taken: the one remembered when it was written, if it is
 * still the same file, unchanged (inode, size, modification and change times); otherwise read from disk.
 */
export async function digestOf(path: string, stats: Stats, signal?: AbortSignal): Promise<string> {
  const known = written.get(path);
  written.delete(path);
  const unchanged = known && known.ino === stats.ino && known.size === stats.size && known.mtimeMs === stats.mtimeMs && known.ctimeMs === stats.ctimeMs;
  return unchanged ? known.sha256 : sha256File(path, signal);
}
