import { createHash, type Hash, type Hmac } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { sha256OfRange } from './file-range.js';

/** The sha256 of a file, hex, read through a reused buffer (no garbage for each chunk). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const { size } = await stat(path);
  return sha256OfRange({ path, start: 0, length: size }, signal);
}

/**
 * A pass-through stream that counts what goes through it and digests it (sha256, or the HMAC given),
 * for comparing with a manifest.
 */
export function measuringStream(digest: Hash | Hmac = createHash('sha256')): {
  stream: Transform;
  result(): { size: number; hex: string };
} {
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      digest.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ size, hex: digest.digest('hex') }) };
}

/** A pass-through stream that hashes what goes through it: put it just before a file is written. */
export function hashingStream(): { stream: Transform; sha256(): string } {
  const measuring = measuringStream();
  return { stream: measuring.stream, sha256: () => measuring.result().hex };
}

/** What identifies a file's content without reading it: device, inode, size, and times to the nanosecond. */
function identity(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/**
 * Digests of files written through a hashingStream (runTool, writeTarGz of @pickup/archive), so the manifest
 * need not read them again. A digest handed in is trusted without a check: only one taken by a hashingStream.
 */
const written = new Map<string, { sha256: string; identity: string }>();

/**
 * Remembers the sha256 of a file just written and closed, as its hashingStream took it on the way to the file:
 * the manifest uses it while the file is unchanged.
 */
export async function rememberDigest(path: string, sha256: string): Promise<void> {
  written.set(path, { sha256, identity: identity(await stat(path, { bigint: true })) });
}

/**
 * The sha256 of a file whose `stats` were just taken: the one remembered when it was written, if it is
 * still that file, unchanged; otherwise read from disk.
 */
export async function digestOf(path: string, stats: BigIntStats, signal?: AbortSignal): Promise<string> {
  const known = written.get(path);
  written.delete(path);
  return known && known.identity === identity(stats) ? known.sha256 : sha256File(path, signal);
}
