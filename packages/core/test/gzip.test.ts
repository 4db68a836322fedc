import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeterministicGzip } from '../src/streams/gzip.js';
import { digestOf, rememberDigest } from '../src/streams/hash.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pickup-gzip-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** 3.5 MiB over several 1 MiB blocks: text, random bytes, runs of zeros, fed in odd-sized chunks. */
function input(): Buffer {
  const text = Buffer.from('a line of text that repeats, with numbers 12345 and words\n'.repeat(20000));
  const random = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16)).update(Buffer.alloc(1200 * 1024));
  return Buffer.concat([text, random, Buffer.alloc(900 * 1024), text]).subarray(0, 3.5 * 1024 * 1024);
}

async function gzip(data: Buffer, level: number, file: string): Promise<Buffer> {
  const chunks = Array.from({ length: Math.ceil(data.length / 77777) }, (_, i) =>
    data.subarray(i * 77777, (i + 1) * 77777),
  );
  await pipeline(Readable.from(chunks), createDeterministicGzip(level), createWriteStream(file));
  return readFile(file);
}

describe('gzip on every core', () => {
  it('gives one gzip member that gunzip and gzip -t read back exactly, the same bytes every time', async () => {
    const data = input();
    for (const level of [1, 6, 9]) {
      const first = await gzip(data, level, join(dir, `a${level}.gz`));
      const second = await gzip(data, level, join(dir, `b${level}.gz`));
      expect(first.equals(second)).toBe(true);
      expect(gunzipSync(first).equals(data)).toBe(true);
      execFileSync('gzip', ['-t', join(dir, `a${level}.gz`)]);
      expect(first[9]).toBe(255); // OS: unknown, whatever the platform
    }
  });

  it('compresses about as well as one zlib stream (each block sees the 32 KiB before it)', async () => {
    const data = input();
    const ours = await gzip(data, 6, join(dir, 'ours.gz'));
    await writeFile(join(dir, 'plain'), data);
    const reference = execFileSync('gzip', ['-6', '-c', join(dir, 'plain')], { maxBuffer: 64 * 1024 * 1024 });
    expect(ours.length).toBeLessThan(reference.length * 1.01);
  });

  it('reads back at every size around its block and window boundaries', async () => {
    const data = input();
    for (const size of [0, 1, 32767, 32768, 1024 * 1024 - 1, 1024 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024 + 1]) {
      const part = data.subarray(0, size);
      expect(gunzipSync(await gzip(part, 6, join(dir, `s${size}.gz`))).equals(part), `${size} bytes`).toBe(true);
    }
  });

  it('makes a valid empty gzip of empty input', async () => {
    const empty = await gzip(Buffer.alloc(0), 6, join(dir, 'empty.gz'));
    expect(gunzipSync(empty).length).toBe(0);
  });
});

describe('digests remembered while writing', () => {
  it('are used while the file is unchanged (it is not read again), and not once it changed', async () => {
    const file = join(dir, 'staged');
    await writeFile(file, 'content');
    await rememberDigest(file, 'digest taken while writing');
    expect(await digestOf(file, await stat(file, { bigint: true }))).toBe('digest taken while writing');

    await rememberDigest(file, 'digest taken while writing');
    await appendFile(file, ' changed afterwards');
    expect(await digestOf(file, await stat(file, { bigint: true }))).toBe(
      createHash('sha256').update('content changed afterwards').digest('hex'),
    );
  });
});
