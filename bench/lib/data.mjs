// Deterministic benchmark data: the same bytes on every machine and run, made once and kept.
import { createCipheriv } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FORMAT = 'v1'; // change when the generated data changes

/** A small, fast, seeded PRNG (mulberry32): deterministic choices for names, sizes and words. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incompressible bytes: AES-CTR over zeros with a key made from `seed` (fast, and the same every time). */
async function writeRandom(path, size, seed) {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, seed), Buffer.alloc(16));
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  const file = await open(path, 'w');
  try {
    for (let left = size; left > 0; left -= zeros.length)
      await file.write(cipher.update(zeros.subarray(0, Math.min(zeros.length, left))));
  } finally {
    await file.close();
  }
}

/** `size` incompressible bytes, the same for the same `seed` (a string or number). */
export function randomBytes(size, seed) {
  const key = Buffer.alloc(16);
  key.write(String(seed));
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

const WORDS =
  'backup restore archive server database request response user session token cache index table query worker queue retry timeout error warning info debug start stop disk folder file stream chunk block offset checksum manifest target source retention policy daily weekly monthly host network packet socket client'.split(
    ' ',
  );

/** Compressible text: log lines made of a fixed vocabulary (gzip shrinks it about 4 to 6 times). */
async function writeLog(path, size, seed) {
  const random = prng(seed);
  const file = await open(path, 'w');
  try {
    let written = 0;
    let second = 1767225600; // 2026-01-01
    while (written < size) {
      const lines = [];
      for (let i = 0; i < 2000; i++) {
        second += Math.floor(random() * 3);
        const words = Array.from(
          { length: 4 + Math.floor(random() * 8) },
          () => WORDS[Math.floor(random() * WORDS.length)],
        ).join(' ');
        lines.push(
          `${new Date(second * 1000).toISOString()} ${random() < 0.9 ? 'INFO' : 'WARN'} [worker-${Math.floor(random() * 32)}] id=${Math.floor(random() * 1e9).toString(16)} ${words} ms=${Math.floor(random() * 5000)}\n`,
        );
      }
      const chunk = Buffer.from(lines.join(''));
      const part = chunk.subarray(0, Math.min(chunk.length, size - written));
      await file.write(part);
      written += part.length;
    }
  } finally {
    await file.close();
  }
}

/** Text of `size` bytes made of the vocabulary's words. */
export function wordText(random, size) {
  const words = [];
  for (let length = 0; length < size; ) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, size);
}

/** A size between `min` and `max` bytes, small ones more likely (log-uniform), as files on a server are. */
export function logUniformSize(random, min, max) {
  return Math.floor(min * (max / min) ** random());
}

/** `count` small text files of 1 to `maxSize` bytes in folders of `perFolder`. */
async function writeSmallFiles(root, count, perFolder, maxSize, seed) {
  const random = prng(seed);
  for (let i = 0; i < count; i++) {
    const folder = join(root, `dir-${String(Math.floor(i / perFolder)).padStart(4, '0')}`);
    if (i % perFolder === 0) await mkdir(folder, { recursive: true });
    const words = [];
    const size = 1 + Math.floor(random() * maxSize);
    for (let length = 0; length < size; ) {
      const word = WORDS[Math.floor(random() * WORDS.length)];
      words.push(word);
      length += word.length + 1;
    }
    await writeFile(join(folder, `file-${String(i).padStart(6, '0')}.txt`), words.join(' ').slice(0, size));
  }
}

/**
 * The data sets, at `scale` (1: the full size). Made under `root` once, then reused (a `<folder>.complete`
 * marker says it was made whole).
 */
export function dataSets(root, scale) {
  const mb = (n) => Math.max(64 * 1024, Math.round(n * scale * 1024 * 1024));
  const count = (n) => Math.max(10, Math.round(n * scale));
  return {
    /** About 1 GB: many small text files, large compressible logs, large incompressible media. */
    mixed: {
      dir: join(root, `mixed-${FORMAT}-${scale}`),
      async make(dir) {
        await writeSmallFiles(join(dir, 'small'), count(20000), 1000, 16 * 1024, 1);
        await mkdir(join(dir, 'logs'));
        for (let i = 0; i < 4; i++) await writeLog(join(dir, 'logs', `app-${i}.log`), mb(150), 10 + i);
        await mkdir(join(dir, 'media'));
        for (let i = 0; i < 2; i++) await writeRandom(join(dir, 'media', `video-${i}.bin`), mb(120), 20 + i);
      },
    },
    /** About 100 MB of the same kinds, for the memory case. */
    mixedSmall: {
      dir: join(root, `mixed-small-${FORMAT}-${scale}`),
      async make(dir) {
        await writeSmallFiles(join(dir, 'small'), count(2000), 1000, 16 * 1024, 2);
        await mkdir(join(dir, 'logs'));
        await writeLog(join(dir, 'logs', 'app.log'), mb(50), 30);
        await mkdir(join(dir, 'media'));
        await writeRandom(join(dir, 'media', 'video.bin'), mb(34), 31);
      },
    },
    /** 100,000 small files in 100 folders. */
    manyFiles: {
      dir: join(root, `many-${FORMAT}-${scale}`),
      make: (dir) => writeSmallFiles(dir, count(100000), 1000, 2 * 1024, 3),
    },
    /**
     * About 215 MB for the nights case, a server's files: 6,500 text files of 64 B to 64 kB (most of
     * them small) in 26 folders, six 14 MB logs, four 16 MB binary files.
     */
    nights: {
      dir: join(root, `nights-${FORMAT}-${scale}`),
      async make(dir) {
        const random = prng(50);
        const files = count(6500);
        for (let i = 0; i < files; i++) {
          const folder = join(dir, 'text', `dir-${String(Math.floor(i / 250)).padStart(2, '0')}`);
          if (i % 250 === 0) await mkdir(folder, { recursive: true });
          await writeFile(
            join(folder, `doc-${String(i).padStart(5, '0')}.txt`),
            wordText(random, logUniformSize(random, 64, 64 * 1024)),
          );
        }
        await mkdir(join(dir, 'logs'));
        for (let i = 0; i < 6; i++) await writeLog(join(dir, 'logs', `service-${i}.log`), mb(14), 51 + i);
        await mkdir(join(dir, 'media'));
        for (let i = 0; i < 4; i++) await writeRandom(join(dir, 'media', `upload-${i}.bin`), mb(16), 61 + i);
      },
    },
    /** Two large files (one compressible, one not), 270 MB: the files the encryption case encrypts. */
    pair: {
      dir: join(root, `transfer-${FORMAT}-${scale}`),
      async make(dir) {
        await writeLog(join(dir, 'app.log'), mb(150), 40);
        await writeRandom(join(dir, 'video.bin'), mb(120), 41);
      },
    },
    /**
     * About 1.1 GB in four files (two compressible, two not) for the transfers: enough that starting
     * a client and logging in do not decide the ratio.
     */
    transfer: {
      dir: join(root, `transfer-large-${FORMAT}-${scale}`),
      async make(dir) {
        for (let i = 0; i < 2; i++) await writeLog(join(dir, `app-${i}.log`), mb(270), 42 + i);
        for (let i = 0; i < 2; i++) await writeRandom(join(dir, `video-${i}.bin`), mb(270), 44 + i);
      },
    },
  };
}

/** Makes a data set unless it is there already; returns its folder. */
export async function ensureData(set, log) {
  const marker = `${set.dir}.complete`; // beside it: the data sets are backed up whole
  if (existsSync(marker)) return set.dir;
  log(`generating ${set.dir} ...`);
  await rm(set.dir, { recursive: true, force: true });
  await mkdir(set.dir, { recursive: true });
  await set.make(set.dir);
  await writeFile(marker, '');
  return set.dir;
}
