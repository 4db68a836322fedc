import { createCipheriv, hkdfSync } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Encrypter } from 'age-encryption';

/** What a run encrypts to: age recipients (public keys), or a passphrase. */
export type EncryptionKeys = { recipients: string[]; passphrase?: undefined } | { recipients: []; passphrase: string };

/**
 * `input` as an age file, streamed. To recipients, the header (and its stanzas, MAC and nonce) comes
 * from age-encryption and the payload is encrypted with Node's native ChaCha20-Poly1305, about ten
 * times faster than the library's JavaScript cipher; with a passphrase, the library does it all.
 */
export async function encryptStream(input: Readable, keys: EncryptionKeys): Promise<Readable> {
  if (keys.passphrase !== undefined) {
    const encrypter = new Encrypter();
    encrypter.setPassphrase(keys.passphrase);
    const output = await encrypter.encrypt(Readable.toWeb(input) as ReadableStream<Uint8Array>);
    return Readable.fromWeb(output as WebReadableStream<Uint8Array>);
  }
  const { prefix, fileKey, nonce } = await ageHeader(keys.recipients);
  const payload = input.pipe(payloadEncryptor(fileKey, nonce));
  input.on('error', (error) => payload.destroy(error));
  return Readable.from(
    (async function* () {
      yield prefix;
      yield* payload;
    })(),
  );
}

const TAG = 16;
const NONCE = 16;

/**
 * The start of an age file for `recipients`: header and payload nonce, made by age-encryption by
 * encrypting nothing (an empty age file is exactly header, nonce and one empty final chunk of 16 bytes),
 * and the file key, caught by a recipient of ours that adds no stanza of its own.
 */
async function ageHeader(recipients: readonly string[]): Promise<{ prefix: Buffer; fileKey: Uint8Array; nonce: Buffer }> {
  let fileKey: Uint8Array | undefined;
  const encrypter = new Encrypter(); // one per file: each file gets its own file key
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  encrypter.addRecipient({
    wrapFileKey(key) {
      fileKey = key.slice();
      return [];
    },
  });
  const empty = Buffer.from(await encrypter.encrypt(new Uint8Array(0)));
  if (!fileKey) throw new Error('age-encryption did not ask for a file key'); // never, with a recipient of ours
  const prefix = empty.subarray(0, empty.length - TAG);
  return { prefix, fileKey, nonce: prefix.subarray(prefix.length - NONCE) };
}

const CHUNK = 64 * 1024;

/**
 * age's payload (the STREAM construction of the age spec): the key is HKDF-SHA256(file key, salt: nonce,
 * info: "payload"); the plaintext is cut in 64 KiB chunks, each sealed with ChaCha20-Poly1305 under
 * the nonce `11-byte big-endian chunk counter || last-chunk flag`. The last chunk may be full; it is
 * empty only when the whole plaintext is.
 */
function payloadEncryptor(fileKey: Uint8Array, nonce: Uint8Array): Transform {
  const key = Buffer.from(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
  let counter = 0n;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const seal = (chunk: Buffer, last: boolean): Buffer => {
    const chunkNonce = Buffer.alloc(12);
    chunkNonce.writeBigUInt64BE(counter & 0xffffffffffffffffn, 3); // the counter never passes 64 bits
    chunkNonce[11] = last ? 1 : 0;
    counter++;
    const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce, { authTagLength: TAG });
    return Buffer.concat([cipher.update(chunk), cipher.final(), cipher.getAuthTag()]);
  };
  return new Transform({
    transform(data: Buffer, _encoding, done) {
      pending.push(data);
      pendingBytes += data.length;
      // A chunk is sealed only once more follows: the last one, full or not, is sealed at the end.
      if (pendingBytes > CHUNK) {
        let buffered = Buffer.concat(pending, pendingBytes);
        while (buffered.length > CHUNK) {
          this.push(seal(buffered.subarray(0, CHUNK), false));
          buffered = buffered.subarray(CHUNK);
        }
        pending = [buffered];
        pendingBytes = buffered.length;
      }
      done();
    },
    flush(done) {
      done(null, seal(Buffer.concat(pending, pendingBytes), true));
    },
  });
}
