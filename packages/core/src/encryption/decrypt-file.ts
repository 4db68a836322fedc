import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Decrypter } from 'age-encryption';
import { measuringStream } from '../streams/hash.js';
import { createDecryptor, MAX_HEADER } from './age-stream.js';
import type { PlainFile } from './encrypt-files.js';

/** The key given does not open the file: it was encrypted to other recipients, or another passphrase. */
export class WrongKeyError extends Error {}

/**
 * Decrypts the age file `from` into `to` (created, mode 0600), streamed, and resolves to the size and
 * digest of the plaintext. On any failure `to` is removed: nothing half-decrypted is left.
 */
export async function decryptFile(
  from: string,
  to: string,
  decrypter: Decrypter,
  signal: AbortSignal,
): Promise<PlainFile> {
  const decryptor = await createDecryptor(await readHead(from), decrypter).catch((error: Error) => {
    throw /no identity matched/.test(error.message) ? new WrongKeyError(error.message) : error;
  });
  const plaintext = measuringStream(createHmac('sha256', decryptor.digestKey));
  const output = await open(to, 'wx', 0o600);
  try {
    const payload = createReadStream(from, { start: decryptor.payloadStart, highWaterMark: 256 * 1024 });
    await pipeline(payload, decryptor.stream, plaintext.stream, output.createWriteStream(), { signal });
  } catch (error) {
    await rm(to, { force: true });
    throw error;
  } finally {
    await output.close().catch(() => {});
  }
  const { size, hex } = plaintext.result();
  return { size, hmacSha256: hex };
}

/** The beginning of a file, enough for any age header and its nonce. */
async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAX_HEADER);
    const { bytesRead } = await file.read(head, 0, MAX_HEADER, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
