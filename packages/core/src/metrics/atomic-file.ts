import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `text` at once: written to a hidden temporary file in the same folder (a name a
 * collector of `*.prom` files passes over), flushed to disk, given `mode` whatever the umask, and renamed
 * over `path`. A reader sees the old file or the new one, never half of one.
 */
export async function writeFileAtomically(path: string, text: string, mode: number): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const file = await open(temporary, 'wx', mode);
  try {
    try {
      await file.writeFile(text);
      await file.chmod(mode);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await syncFolder(folder);
}

/** The rename itself reaches the disk: a crash right after leaves the new file, not the old one or none. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
