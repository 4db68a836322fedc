import { constants } from 'node:fs';
import { chmod, chown, copyFile, lstat, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { previousCopies, tryLink } from './dedup.js';
import { syncPath } from './sync.js';
import {
  PARTIAL_SUFFIX,
  errnoCode,
  exists,
  messageOf,
  nearestExisting,
  OptionError,
  probeWritable,
  type StagedRun,
} from '@pickup/core/plugin';

/** Modes of what a backup holds, whatever the staged modes and the umask: readable by the owner only. */
const STORED_FILE_MODE = 0o600;
const STORED_FOLDER_MODE = 0o700;

export interface StoreResult {
  path: string;
  /** Bytes hard-linked from the previous backup instead of written. */
  linkedBytes: number;
  /** Bytes of staged files hard-linked into the backup (the same file system): stored without a copy. */
  stagedLinkedBytes: number;
  writtenBytes: number;
}

/**
 * Copies a staged run into `<root>/<runId>`: everything goes into `<runId>.partial`, each file synced
 * to disk and its size checked, the manifest last; then one rename makes the backup appear whole.
 * A file identical (sha256 and size) to one of the newest complete backup is hard-linked to it
 * instead of copied; else a staged file on the same file system is hard-linked itself (the staging is
 * removed after the push). On failure the partial folder is removed.
 */
export async function storeRun(
  root: string,
  run: StagedRun,
  signal: AbortSignal,
  progress: (update: { bytes: number; files: number }) => void = () => {},
): Promise<StoreResult> {
  const final = join(root, run.runId);
  if (await exists(final)) throw new Error(`${final} already exists; a backup is never overwritten`);
  const partial = `${final}${PARTIAL_SUFFIX}`;
  await rm(partial, { recursive: true, force: true });
  // The first thing a push writes, named for its run: a push killed at any moment leaves nothing that
  // list does not show (a probe of its own would be left behind, out of retention's sight).
  await mkdir(partial, { mode: STORED_FOLDER_MODE }).catch((error: unknown) => {
    throw new OptionError('path', `target folder ${root} cannot be written: ${describeWriteError(error)}`);
  });
  const result: StoreResult = { path: final, linkedBytes: 0, stagedLinkedBytes: 0, writtenBytes: 0 };
  try {
    const previous = await previousCopies(root);
    const folders = new Set<string>([partial]);
    let files = 0;
    for (const file of run.files) {
      signal.throwIfAborted();
      progress({ bytes: storedBytes(result), files: files++ });
      const to = join(partial, file.path);
      const existing = await previous(file);
      if (existing) {
        await makeFolderFor(to, folders);
        if (await tryLink(existing, to)) {
          // The link shares its inode with the older backup's file (which an earlier version may have
          // stored 0644): private for both. A file of another owner cannot be changed: copied instead.
          if (await madePrivate(to)) {
            result.linkedBytes += file.size;
            continue;
          }
          await rm(to);
        }
      }
      const staged = join(run.dir, file.path);
      if (await linkStaged(staged, to, file.size, folders)) {
        result.stagedLinkedBytes += file.size;
        continue;
      }
      await copyDurably(staged, to, file.size, folders);
      result.writtenBytes += file.size;
    }
    progress({ bytes: storedBytes(result), files });
    // Copied, never linked: a few kB, and the file that makes the backup complete stays the backup's own.
    await copyDurably(join(run.dir, run.manifestFile), join(partial, run.manifestFile), undefined, folders);
    for (const folder of folders) await syncPath(folder);
    await rename(partial, final);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  // The backup is complete once renamed; a failed sync of its parent does not undo that.
  await syncPath(root).catch(() => {});
  return result;
}

function storedBytes(result: StoreResult): number {
  return result.linkedBytes + result.stagedLinkedBytes + result.writtenBytes;
}

/**
 * Hard-links a staged file into the backup instead of copying it, then makes it private, syncs it to
 * disk and checks its size, as a copy. Only a regular file of this user's without another name: one
 * another user owns would give them the backup's file, and one a source linked from elsewhere (or
 * another target linked already) could be changed through its other name. False where no link is
 * made (another file system, a file system without links, too many links): the caller copies.
 */
async function linkStaged(from: string, to: string, expectedSize: number, folders: Set<string>): Promise<boolean> {
  const staged = await lstat(from);
  if (!staged.isFile() || staged.nlink !== 1 || staged.uid !== process.getuid?.()) return false;
  await makeFolderFor(to, folders);
  if (!(await tryLink(from, to))) return false;
  await chmod(to, STORED_FILE_MODE);
  await syncPath(to);
  await checkSize(to, expectedSize, 'linking');
  return true;
}

async function makeFolderFor(file: string, folders: Set<string>): Promise<void> {
  const folder = dirname(file);
  if (folders.has(folder)) return;
  await mkdir(folder, { recursive: true, mode: STORED_FOLDER_MODE });
  folders.add(folder);
}

async function copyDurably(
  from: string,
  to: string,
  expectedSize: number | undefined,
  folders: Set<string>,
): Promise<void> {
  await makeFolderFor(to, folders);
  await copyFile(from, to, constants.COPYFILE_EXCL);
  // copyFile keeps the staged mode (0644 for some tools' output), and as root on Node 24 the staged
  // owner too: a stored file is private and Pickup's own, whatever the staged one was.
  const uid = process.getuid?.();
  if (uid === 0) await chown(to, 0, process.getgid?.() ?? 0);
  await chmod(to, STORED_FILE_MODE);
  await syncPath(to);
  if (expectedSize !== undefined) await checkSize(to, expectedSize, 'copying');
}

async function checkSize(file: string, expectedSize: number, after: 'copying' | 'linking'): Promise<void> {
  const { size } = await stat(file);
  if (size !== expectedSize) throw new Error(`${file} has ${size} bytes after ${after}, expected ${expectedSize}`);
}

/** chmod 0600; false where this user may not (a file another user owns). */
async function madePrivate(file: string): Promise<boolean> {
  try {
    await chmod(file, STORED_FILE_MODE);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EPERM') return false;
    throw error;
  }
}

/**
 * Throws a clear message unless `root` is a folder (with `check`: one this process can write into,
 * probed for real; a push finds out by writing its own folder there). With `create`, a missing `root`
 * is made when `mode` is `push`; when `check`ing, nothing is made: the nearest existing folder above it
 * is probed instead.
 */
export async function assertWritableFolder(root: string, create: boolean, mode: 'check' | 'push'): Promise<void> {
  if (create && mode === 'push') {
    await mkdir(root, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw new OptionError('path', `target folder ${root} cannot be created: ${describeWriteError(error)}`);
    });
  }
  const folder = create && mode === 'check' ? await nearestExisting(root) : root;
  let isFolder: boolean;
  try {
    isFolder = (await stat(folder)).isDirectory();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new OptionError(
        'path',
        `target folder ${root} does not exist (is its disk mounted?); create it, or set createPath: true`,
      );
    }
    throw new OptionError('path', `target folder ${root} cannot be used: ${describeWriteError(error)}`);
  }
  if (!isFolder) throw new OptionError('path', `${folder} is not a folder`);
  if (mode === 'push') return;
  try {
    await probeWritable(folder);
  } catch (error) {
    throw new OptionError('path', `target folder ${root} cannot be written: ${describeWriteError(error)}`);
  }
}

/** With `perHost`: this host's folder in `path`, made (`0700`) by its first push. */
export async function makeHostFolder(folder: string): Promise<void> {
  await mkdir(folder, { mode: STORED_FOLDER_MODE }).catch((error: unknown) => {
    if (errnoCode(error) === 'EEXIST') return;
    throw new OptionError('path', `host folder ${folder} cannot be created: ${describeWriteError(error)}`);
  });
  if (!(await stat(folder)).isDirectory()) throw new OptionError('host', `${folder} is not a folder`);
}

function describeWriteError(error: unknown): string {
  switch (errnoCode(error)) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return messageOf(error);
  }
}
