import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { encryptStream } from './age-stream.js';
import { hashingStream, measuringStream, rememberDigest } from '../pipeline/hash.js';
import type { Encryption } from './keys.js';

export const ENCRYPTED_SUFFIX = '.age';

/** What a file was before it was encrypted, for the manifest and for checking a restore. */
export interface PlainFile {
  size: number;
  sha256: string;
}

/**
 * Encrypts every file below `dir` in place: `x` becomes `x.age`, streamed (memory does not grow with
 * the file), the plaintext hashed as it is read and the ciphertext as it is written; each plaintext is
 * removed as soon as its ciphertext is complete. Resolves to the plaintext of each `.age` file, by
 * absolute path.
 */
export async function encryptFolder(dir: string, encryption: Encryption, signal: AbortSignal): Promise<Map<string, PlainFile>> {
  const plain = new Map<string, PlainFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    plain.set(`${path}${ENCRYPTED_SUFFIX}`, await encryptFile(path, `${path}${ENCRYPTED_SUFFIX}`, encryption, signal));
    await rm(path);
  }
  return plain;
}

async function encryptFile(from: string, to: string, encryption: Encryption, signal: AbortSignal): Promise<PlainFile> {
  const measured = measuringStream();
  const input = createReadStream(from, { highWaterMark: 1024 * 1024 });
  const hashing = hashingStream();
  try {
    const ciphertext = await encryptStream(input.pipe(measured.stream), encryption);
    await pipeline(ciphertext, hashing.stream, createWriteStream(to, { flags: 'wx', mode: 0o600 }), { signal });
  } catch (error) {
    input.destroy();
    await rm(to, { force: true });
    throw error;
  }
  await rememberDigest(to, hashing.sha256());
  return measured.result();
}
