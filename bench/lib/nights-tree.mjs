// The nightly changes to the nights case's tree: about 1% of the files changed (half of them appended
// to, half rewritten in part) and 0.1% new ones, all chosen by a generator seeded with the night's number.
import { appendFile, open, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { logUniformSize, prng, randomBytes, wordText } from './data.mjs';

/** The tree's files as sorted relative paths: the same night then picks the same files on every machine. */
export async function listFiles(root) {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** New bytes for a file: random ones for a binary file, words for the others. */
function contentFor(path, size, random, seed) {
  return path.endsWith('.bin') ? randomBytes(size, seed) : Buffer.from(wordText(random, size));
}

/** Overwrites `data.length` bytes of the file at a random place; its size stays. */
async function rewritePart(path, data, random) {
  const { size } = await stat(path);
  const part = data.subarray(0, Math.min(data.length, size));
  const file = await open(path, 'r+');
  try {
    await file.write(part, 0, part.length, Math.floor(random() * (size - part.length + 1)));
  } finally {
    await file.close();
  }
  return part.length;
}

/**
 * Night `night`'s changes to the tree under `root`, whose files are `files` (new ones are added to it).
 * Each change writes 256 B to 64 kB (most of them small). Returns what was done, for the log.
 */
export async function changeTree(root, files, night) {
  const random = prng(1000 + night);
  const picked = new Set();
  const changes = Math.max(2, Math.round(files.length * 0.01));
  while (picked.size < changes) picked.add(Math.floor(random() * files.length));
  let bytes = 0;
  for (const [n, index] of [...picked].entries()) {
    const path = join(root, files[index]);
    const data = contentFor(path, logUniformSize(random, 256, 64 * 1024), random, `${night}-${n}`);
    if (n % 2 === 0) {
      await appendFile(path, data);
      bytes += data.length;
    } else {
      bytes += await rewritePart(path, data, random);
    }
  }
  const texts = files.filter((file) => file.startsWith('text/'));
  const additions = Math.max(1, Math.round(files.length * 0.001));
  for (let n = 0; n < additions; n++) {
    const file = join(
      dirname(texts[Math.floor(random() * texts.length)]),
      `new-${String(night).padStart(2, '0')}-${n}.txt`,
    );
    const data = wordText(random, logUniformSize(random, 64, 64 * 1024));
    await writeFile(join(root, file), data);
    files.push(file);
    bytes += data.length;
  }
  return { changed: changes, added: additions, bytes };
}
