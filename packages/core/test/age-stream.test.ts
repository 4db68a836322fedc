// needs: age, time
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecryptor, createEncryptor, type EncryptionKeys } from '../src/encryption/age-stream.js';

const CHUNK = 64 * 1024;

/** Sizes at the edges of age's 64 KiB chunks: the last chunk may be full, and is empty only for an empty file. */
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 17, 5_000_000];

/** The plaintext fed in pieces of awkward sizes, as a file read would not. */
function pieces(data: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += 40_000) yield data.subarray(at, at + 40_000);
    })(),
  );
}

async function encrypt(plain: Buffer, keys: EncryptionKeys): Promise<Buffer> {
  const { stream } = await createEncryptor(keys);
  return buffer(pieces(plain).pipe(stream));
}

/** Decrypted the way `pickup restore` does: header through the library, payload natively. */
async function decrypt(sealed: Buffer, decrypter: Decrypter): Promise<Buffer> {
  const decryptor = await createDecryptor(sealed, decrypter);
  return buffer(pieces(sealed.subarray(decryptor.payloadStart)).pipe(decryptor.stream));
}

describe('age files made and opened by age-stream', () => {
  let dir: string;
  let identity: string;
  let identityFile: string;
  let recipient: string;
  let decrypter: Decrypter;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pickup-age-'));
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
    identityFile = join(dir, 'key.txt');
    await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
    decrypter = new Decrypter();
    decrypter.addIdentity(identity);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(SIZES)(
    '%i bytes: the age command, age-encryption and pickup all decrypt them to the same bytes',
    async (size) => {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain, { recipients: [recipient] });
      const file = join(dir, `${size}.age`);
      await writeFile(file, sealed);
      expect(
        execFileSync('age', ['--decrypt', '--identity', identityFile, file], { maxBuffer: 16 * 1024 * 1024 }).equals(
          plain,
        ),
      ).toBe(true);
      expect(Buffer.from(await decrypter.decrypt(new Uint8Array(sealed))).equals(plain)).toBe(true);
      expect((await decrypt(sealed, decrypter)).equals(plain)).toBe(true);
      // Header, nonce, then each chunk with its 16-byte tag: nothing more, nothing less.
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      expect(sealed.length).toBe((await createDecryptor(sealed, decrypter)).payloadStart + size + 16 * chunks);
    },
  );

  it('pickup opens what the age command sealed', async () => {
    const plain = randomBytes(2 * CHUNK + 3);
    const file = join(dir, 'by-age.age');
    execFileSync('age', ['--encrypt', '--recipient', recipient, '--output', file], { input: plain });
    const { readFile } = await import('node:fs/promises');
    expect((await decrypt(await readFile(file), decrypter)).equals(plain)).toBe(true);
  });

  it('each file gets a file key of its own', async () => {
    const plain = randomBytes(10);
    const [a, b] = await Promise.all([
      encrypt(plain, { recipients: [recipient] }),
      encrypt(plain, { recipients: [recipient] }),
    ]);
    const keyOf = async (sealed: Buffer) =>
      Buffer.from(
        await decrypter.decryptHeader(sealed.subarray(0, sealed.indexOf(0x0a, sealed.indexOf('\n--- ') + 1) + 1)),
      );
    expect((await keyOf(a)).equals(await keyOf(b))).toBe(false);
  });

  it('a flipped byte, a cut-off end or a dropped last chunk is refused, by the age command and by pickup', async () => {
    const sealed = await encrypt(randomBytes(2 * CHUNK + 100), { recipients: [recipient] });
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 50]! ^= 1;
    const cut = sealed.subarray(0, sealed.length - 10);
    const dropped = sealed.subarray(0, sealed.length - 116); // just the two full chunks: the end is missing
    for (const [name, damaged] of [
      ['flipped', flipped],
      ['cut', cut],
      ['dropped', dropped],
    ] as const) {
      const file = join(dir, `${name}.age`);
      await writeFile(file, damaged);
      expect(
        () => execFileSync('age', ['--decrypt', '--identity', identityFile, file], { stdio: 'pipe' }),
        name,
      ).toThrow();
      await expect(decrypt(damaged, decrypter), name).rejects.toThrow(/does not authenticate|cut short|damaged/);
    }
  });

  it('with a passphrase: the age command (at a terminal), age-encryption and pickup decrypt it with that passphrase only', async () => {
    const plain = randomBytes(CHUNK + 5);
    const sealed = await encrypt(plain, { recipients: [], passphrase: 'correct horse battery staple' });
    const file = join(dir, 'passphrase.age');
    await writeFile(file, sealed);
    // age reads a passphrase from the terminal only: script gives it one, fed from our stdin.
    const out = join(dir, 'passphrase.out');
    execFileSync(
      'script',
      ['--quiet', '--return', '--command', `age --decrypt --output '${out}' '${file}'`, '/dev/null'],
      { input: 'correct horse battery staple\n' },
    );
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(out)).equals(plain)).toBe(true);
    const right = new Decrypter();
    right.addPassphrase('correct horse battery staple');
    expect(Buffer.from(await right.decrypt(new Uint8Array(sealed))).equals(plain)).toBe(true);
    expect((await decrypt(sealed, right)).equals(plain)).toBe(true);
    const wrong = new Decrypter();
    wrong.addPassphrase('incorrect horse');
    await expect(decrypt(sealed, wrong)).rejects.toThrow(/no identity matched/);
  }, 60_000);
});
