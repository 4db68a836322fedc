import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { Transform } from 'node:stream';
import { promisify } from 'node:util';
import type { Decrypter, Recipient } from 'age-encryption';
import { ageLibrary } from './age-library.js';

/**
 * age files, streamed. The header (stanzas and MAC) is made and read by age-encryption; the payload is
 * sealed and opened here with Node's native ChaCha20-Poly1305, several times faster than the library's
 * JavaScript cipher. The payload follows the age spec's STREAM construction: key HKDF-SHA256(file key,
 * salt: the 16-byte nonce, info "payload"); 64 KiB chunks, each sealed under the 12-byte nonce
 * `11-byte big-endian chunk counter || last-chunk flag`; the last chunk may be full, and is empty only
 * when the whole plaintext is.
 */

/** What a run encrypts to: age recipients (public keys), or a passphrase. */
export type EncryptionKeys = { recipients: string[]; passphrase?: undefined } | { recipients: []; passphrase: string };

export interface AgeEncryptor {
  /** Plaintext in, the whole age file out (header, nonce, payload). */
  stream: Transform;
  /** The key of the plaintext's digest (HMAC-SHA256), derived from the file key: see `digestKeyOf`. */
  digestKey: Buffer;
}

export async function createEncryptor(keys: EncryptionKeys): Promise<AgeEncryptor> {
  let fileKey: Uint8Array | undefined;
  // A new Encrypter for each file: the recipient below catches this file's key, and no other.
  const age = await ageLibrary();
  const encrypter = new age.Encrypter();
  if (keys.passphrase !== undefined) encrypter.addRecipient(scryptRecipient(keys.passphrase));
  else for (const recipient of keys.recipients) encrypter.addRecipient(recipient);
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key.slice();
      return []; // it adds no stanza: the file opens with the recipients' identities only
    },
  });
  // An empty age file is exactly: header, 16-byte nonce, one empty final chunk (its 16-byte tag). The
  // tag is dropped; the payload below starts its chunks afresh under the same key and nonce.
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  const prefix = empty.subarray(0, empty.length - TAG);
  const headerEnd = prefix.length - NONCE;
  if (!fileKey || !prefix.subarray(0, VERSION_LINE.length).equals(VERSION_LINE) || prefix[headerEnd - 1] !== 0x0a) {
    throw new Error('age-encryption made an age file of an unexpected shape'); // a guard against a library change
  }
  const payloadKey = payloadKeyOf(fileKey, prefix.subarray(headerEnd));
  const digestKey = digestKeyOf(fileKey);
  fileKey.fill(0);
  return { stream: sealing(payloadKey, prefix), digestKey };
}

export interface AgeDecryptor {
  /** Where the payload starts in the file (after header and nonce). */
  payloadStart: number;
  /** Payload in, plaintext out; fails on any chunk that does not authenticate, or a missing end. */
  stream: Transform;
  digestKey: Buffer;
}

/**
 * Opens an age file whose beginning is `head` (at least the header and nonce): the file key comes from
 * the header through `decrypter` (identities or passphrase; it checks the header's MAC).
 */
export async function createDecryptor(head: Buffer, decrypter: Decrypter): Promise<AgeDecryptor> {
  const mac = head.indexOf('\n--- ');
  const headerEnd = mac < 0 ? -1 : head.indexOf(0x0a, mac + 1) + 1;
  if (
    !head.subarray(0, VERSION_LINE.length).equals(VERSION_LINE) ||
    headerEnd <= 0 ||
    head.length < headerEnd + NONCE
  ) {
    throw new Error('not an age file, or its header is cut short');
  }
  const fileKey = await decrypter.decryptHeader(head.subarray(0, headerEnd));
  const payloadKey = payloadKeyOf(fileKey, head.subarray(headerEnd, headerEnd + NONCE));
  const digestKey = digestKeyOf(fileKey);
  fileKey.fill(0);
  return { payloadStart: headerEnd + NONCE, stream: opening(payloadKey), digestKey };
}

/** The longest header read: far more than any number of recipients a config would list. */
export const MAX_HEADER = 1024 * 1024;

const VERSION_LINE = Buffer.from('age-encryption.org/v1\n');
const NONCE = 16;
const TAG = 16;
const CHUNK = 64 * 1024;
/** The scrypt work factor of the age tool (2^18); Node's scrypt needs 256 MiB for it, off the main thread. */
const SCRYPT_LOG_N = 18;
const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  length: number,
  options: object,
) => Promise<Buffer>;

function payloadKeyOf(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

/**
 * The key of the plaintext digest the manifest keeps: a plain sha256 there would let whoever holds the
 * backups confirm a guess of the content; this one needs the file key, so only who can decrypt can check.
 */
function digestKeyOf(fileKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'pickup plaintext digest', 32));
}

/**
 * A passphrase recipient as the age spec has it (`-> scrypt <salt> <log N>`, the file key sealed under
 * scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt)), with Node's scrypt: it runs on the thread
 * pool, where the library's would hold the event loop for seconds per file.
 */
function scryptRecipient(passphrase: string): Recipient {
  return {
    async wrapFileKey(fileKey) {
      const salt = randomBytes(16);
      const label = Buffer.concat([Buffer.from('age-encryption.org/v1/scrypt'), salt]);
      const key = await scryptAsync(Buffer.from(passphrase, 'utf8'), label, 32, {
        N: 2 ** SCRYPT_LOG_N,
        r: 8,
        p: 1,
        maxmem: 300 * 1024 * 1024,
      });
      const sealed = seal(key, Buffer.alloc(12), Buffer.from(fileKey));
      const { Stanza } = await ageLibrary();
      return [new Stanza(['scrypt', salt.toString('base64').replace(/=+$/, ''), String(SCRYPT_LOG_N)], sealed)];
    },
  };
}

function seal(key: Buffer, nonce: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  return Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]);
  } catch {
    throw new Error('a chunk of the age payload does not authenticate: the file is damaged or was changed');
  }
}

function chunkNonce(counter: bigint, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(counter, 3); // 11 bytes of counter: the top 3 stay 0 below 2^64 chunks
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * Cuts what goes through in pieces of `size` bytes, each handed to `each` only once more bytes follow,
 * so that the last piece (full or not) is known to be the last: it goes to `last` at the end. `each`
 * and `last` must be done with their piece when they return: a piece may be a reused buffer. Whole
 * pieces are taken from the input as they are; only the bytes between them are copied, into one
 * buffer kept for that (memory stays flat, whatever the file's size).
 */
function chunked(
  size: number,
  each: (piece: Buffer) => Buffer,
  last: (rest: Buffer) => Buffer,
  first?: Buffer,
): Transform {
  const carry = Buffer.allocUnsafe(size);
  let carried = 0;
  let started = false;
  return new Transform({
    transform(data: Buffer, _encoding, done) {
      try {
        if (!started && first) this.push(first);
        started = true;
        for (let offset = 0; offset < data.length; ) {
          if (carried === size) {
            this.push(each(carry)); // more bytes follow: it was not the last
            carried = 0;
          }
          if (carried === 0 && data.length - offset > size) {
            this.push(each(data.subarray(offset, offset + size)));
            offset += size;
            continue;
          }
          const copied = data.copy(carry, carried, offset, Math.min(data.length, offset + size - carried));
          carried += copied;
          offset += copied;
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        if (!started && first) this.push(first);
        done(null, last(carry.subarray(0, carried)));
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

/** Plaintext to `prefix` (header and nonce) followed by the sealed payload. */
function sealing(key: Buffer, prefix: Buffer): Transform {
  let counter = 0n;
  return chunked(
    CHUNK,
    (piece) => seal(key, chunkNonce(counter++, false), piece),
    (rest) => seal(key, chunkNonce(counter++, true), rest),
    prefix,
  );
}

/** The sealed payload to plaintext. */
function opening(key: Buffer): Transform {
  let counter = 0n;
  return chunked(
    CHUNK + TAG,
    (piece) => open(key, chunkNonce(counter++, false), piece),
    (rest) => {
      if (rest.length < TAG) throw new Error('the age payload is cut short: the file is damaged');
      const plain = open(key, chunkNonce(counter, true), rest);
      if (plain.length === 0 && counter > 0n)
        throw new Error('the age payload ends in an empty chunk: the file is damaged');
      return plain;
    },
  );
}
