import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Decrypter } from 'age-encryption';
import { measuringStream } from '../pipeline/hash.js';
import type { PlainFile } from './encrypt-files.js';

/** The key given does not open the file: it was encrypted to other recipients, or another passphrase. */
export class WrongKeyError extends Error {}

/**
 * Decrypts `from` into `to` (created, mode 0600), streamed, and resolves to the size and sha256 of
 * the plaintext. On any failure `to` is removed: nothing half-decrypted is left.
 */
export async function decryptFile(from: string, to: string, decrypter: Decrypter, signal: AbortSignal): Promise<PlainFile> {
  const measured = measuringStream();
  try {
    const plaintext = await decrypter.decrypt(Readable.toWeb(createReadStream(from)) as ReadableStream<Uint8Array>).catch((error: Error) => {
      throw /no identity matched/.test(error.message) ? new WrongKeyError(error.message) : error;
    });
    await pipeline(Readable.fromWeb(plaintext as WebReadableStream<Uint8Array>), measured.stream, createWriteStream(to, { flags: 'wx', mode: 0o600 }), { signal });
  } catch (error) {
    await rm(to, { force: true });
    throw error;
  }
  return measured.result();
}
