import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { measuringStream } from '../streams/hash.js';
import type { ManifestFile } from '../model/manifest.js';
import type { TargetHandle } from './stored.js';

/**
 * Reads a file of a backup from its target and checks it against the manifest, writing it to
 * `destination` on the way if given. Returns the problem, or undefined when it is intact.
 */
export async function checkFile(
  target: TargetHandle,
  backupId: string,
  file: ManifestFile,
  signal: AbortSignal,
  destination?: string,
): Promise<string | undefined> {
  let input: Awaited<ReturnType<TargetHandle['read']>>;
  try {
    input = await target.read(backupId, file.path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return `${file.path} is missing`;
    throw error;
  }
  const measure = measuringStream();
  const sink = destination ? createWriteStream(destination, { flags: 'wx', mode: 0o600 }) : discard();
  try {
    await pipeline(input, measure.stream, sink, { signal });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return `${file.path} is missing`;
    throw error;
  }
  const { size, hex: sha256 } = measure.result();
  if (size !== file.size) return `${file.path} has ${size} bytes, the manifest says ${file.size}`;
  if (sha256 !== file.sha256) return `${file.path} has sha256 ${sha256}, the manifest says ${file.sha256}`;
  return undefined;
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}
