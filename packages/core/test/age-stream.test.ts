import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptStream } from '../src/encryption/age-stream.js';

const CHUNK = 64 * 1024;

/** Sizes at the edges of age's 64 KiB chunks: the last chunk may be full, and is empty only for an empty file. */
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17, 5_000_000];

describe('age files made by encryptStream', () => {
  let dir: string;
  let identity: string;
  let identityFile: string;
  let recipient: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-age-'));
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
    identityFile = join(dir, 'key.txt');
    await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The plaintext fed in pieces of awkward sizes, as a file read would not. */
  const encrypt = async (plain: Buffer, keys: Parameters<typeof encryptStream>[1]) => {
    const pieces = (function* () {
      for (let at = 0; at < plain.length; at += 40_000) yield plain.subarray(at, at + 40_000);
    })();
    return buffer(await encryptStream(Readable.from(pieces), keys));
  };

  it.each(SIZES)('%i bytes: the age command and age-encryption both decrypt them to the same bytes', async (size) => {
    const plain = randomBytes(size);
    const sealed = await encrypt(plain, { recipients: [recipient] });
    const file = join(dir, `${size}.age`);
    await writeFile(file, sealed);
    expect(execFileSync('age', ['--decrypt', '--identity', identityFile, file], { maxBuffer: 16 * 1024 * 1024 }).equals(plain)).toBe(true);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);
    expect(Buffer.from(await decrypter.decrypt(new Uint8Array(sealed))).equals(plain)).toBe(true);
    // Header, nonce, then each chunk with its 16-byte tag: nothing more, nothing less.
    const chunks = Math.max(1, Math.ceil(size / CHUNK));
    expect(sealed.length).toBe(headerLength(sealed) + 16 + size + 16 * chunks);
  });

  it('each file has its own key: the same plaintext twice gives unrelated ciphertexts', async () => {
    const plain = randomBytes(3 * CHUNK);
    const [a, b] = await Promise.all([encrypt(plain, { recipients: [recipient] }), encrypt(plain, { recipients: [recipient] })]);
    expect(a.subarray(-CHUNK).equals(b.subarray(-CHUNK))).toBe(false);
  });

  it('a flipped byte in the payload is refused by the age command', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK), { recipients: [recipient] });
    sealed[sealed.length - 100]! ^= 1;
    const file = join(dir, 'flipped.age');
    await writeFile(file, sealed);
    expect(() => execFileSync('age', ['--decrypt', '--identity', identityFile, file], { stdio: 'pipe' })).toThrow(/failed to decrypt and authenticate payload chunk/);
  });

  it('with a passphrase, age-encryption decrypts it with that passphrase only', async () => {
    const plain = randomBytes(CHUNK + 5);
    const sealed = await encrypt(plain, { recipients: [], passphrase: 'correct horse battery staple' });
    const right = new Decrypter();
    right.addPassphrase('correct horse battery staple');
    expect(Buffer.from(await right.decrypt(new Uint8Array(sealed))).equals(plain)).toBe(true);
    const wrong = new Decrypter();
    wrong.addPassphrase('incorrect horse');
    await expect(wrong.decrypt(new Uint8Array(sealed))).rejects.toThrow(/no identity matched/);
  }, 60_000);
});

/** The header's length: up to and including the `--- <mac>` line. */
function headerLength(file: Buffer): number {
  const mac = file.indexOf('\n--- ');
  return file.indexOf('\n', mac + 1) + 1;
}
