import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { messageOf } from '../errors.js';
import { pipeline } from 'node:stream/promises';
import { createEncryptor, type EncryptionKeys } from './age-stream.js';
import { hashingStream, measuringStream, rememberDigest } from '../streams/hash.js';

export const ENCRYPTED_SUFFIX = '.age';

/** What a file was before it was encrypted, for the manifest and for checking a restore. */
export interface PlainFile {
  size: number;
  /** HMAC-SHA256 of the plaintext, keyed from the file's age file key (see age-stream.ts). */
  hmacSha256: string;
}

/**
 * Encrypts every file below `dir` in place: `x` becomes `x.age`, streamed (memory does not grow with
 * the file), the plaintext digested as it is read and the ciphertext hashed as it is written; each
 * plaintext is removed as soon as its ciphertext is complete. Resolves to the plaintext of each `.age`
 * file, by absolute path.
 */
export async function encryptFolder(
  dir: string,
  encryption: EncryptionKeys,
  signal: AbortSignal,
): Promise<Map<string, PlainFile>> {
  const plain = new Map<string, PlainFile>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    plain.set(`${path}${ENCRYPTED_SUFFIX}`, await encryptFile(path, `${path}${ENCRYPTED_SUFFIX}`, encryption, signal));
    await rm(path);
  }
  return plain;
}

async function encryptFile(
  from: string,
  to: string,
  encryption: EncryptionKeys,
  signal: AbortSignal,
): Promise<PlainFile> {
  const encryptor = await createEncryptor(encryption);
  const plaintext = measuringStream(createHmac('sha256', encryptor.digestKey));
  const ciphertext = hashingStream();
  const output = await open(to, 'wx', 0o600); // a file of that name that is not ours fails here, untouched
  try {
    await pipeline(
      createReadStream(from, { highWaterMark: 256 * 1024 }),
      plaintext.stream,
      encryptor.stream,
      ciphertext.stream,
      output.createWriteStream(),
      { signal },
    );
  } catch (error) {
    await rm(to, { force: true });
    throw new Error(`encrypting ${basename(from)}: ${messageOf(error)}`, { cause: error });
  } finally {
    await output.close().catch(() => {}); // closed already by its stream, unless the pipeline failed first
  }
  await rememberDigest(to, ciphertext.sha256());
  const { size, hex } = plaintext.result();
  return { size, hmacSha256: hex };
}
