import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { fileRangeStream, PARTIAL_SUFFIX, runFolderEntry, type StagedRun, type StoredEntry } from '@pickup/core/plugin';
import type { Client } from 'basic-ftp';
import { isMissing, type FtpSession } from './session.js';

/**
 * Uploads into `<runId>.partial`, checking each file's size, the manifest last, then renames it to
 * `<runId>`. Each step may run again after a dropped connection, so each one starts from what the
 * server holds. A push that fails (or is interrupted) removes its `.partial` folder, if the server
 * lets it; what is left is listed as incomplete, for retention.
 */
export async function pushRun(
  session: FtpSession,
  run: StagedRun,
  progress?: (update: { bytes: number; files: number }) => void,
): Promise<void> {
  const existing = await session.attempt('listing the backups', (client) => listRuns(client, session.root));
  if (existing.some((entry) => entry.id === run.runId))
    throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  try {
    await uploadRun(session, run, progress);
  } catch (error) {
    await removePartial(session, run.runId);
    throw error;
  }
}

async function uploadRun(
  session: FtpSession,
  run: StagedRun,
  progress?: (update: { bytes: number; files: number }) => void,
): Promise<void> {
  const partial = () => `${session.root}/${run.runId}${PARTIAL_SUFFIX}`;
  await session.attempt('preparing the upload folder', async (client) => {
    if ((await foldersIn(client, session.root)).has(`${run.runId}${PARTIAL_SUFFIX}`)) await client.removeDir(partial());
    await client.ensureDir(partial());
  });
  const made = new Set<string>();
  const sent = { bytes: 0, files: 0 };
  const upload = async (path: string, size: number, counted: boolean) =>
    session.attempt(`uploading ${path}`, async (client) => {
      const remote = `${partial()}/${path}`;
      const folder = posix.dirname(remote);
      if (!made.has(folder)) {
        await client.ensureDir(folder);
        made.add(folder);
      }
      const local = join(run.dir, path);
      const { size } = await stat(local);
      if (progress && counted)
        client.trackProgress((info) => progress({ bytes: sent.bytes + info.bytes, files: sent.files }));
      try {
        await client.uploadFrom(
          size === 0 ? emptyContent() : fileRangeStream({ path: local, start: 0, length: size }),
          remote,
        );
      } finally {
        client.trackProgress();
      }
      const stored = await client.size(remote);
      if (stored !== size)
        throw Object.assign(new Error(`${path} has ${stored} bytes on the server after upload, expected ${size}`), {
          code: 'ESIZE',
        });
    });
  for (const file of run.files) {
    await upload(file.path, file.size, true);
    sent.bytes += file.size;
    sent.files++;
  }
  await upload(run.manifestFile, (await stat(join(run.dir, run.manifestFile))).size, false);
  await session.attempt('renaming the upload into place', async (client) => {
    try {
      await client.rename(partial(), `${session.root}/${run.runId}`);
    } catch (error) {
      // Renamed by a try whose answer the dropped connection lost.
      const folders = isMissing(error) ? await foldersIn(client, session.root) : new Set<string>();
      if (folders.has(run.runId) && !folders.has(`${run.runId}${PARTIAL_SUFFIX}`)) return;
      throw error;
    }
  });
}

/** Tried once, over a connection of its own (the push's may be the cause, or closed by an interruption). */
async function removePartial(session: FtpSession, runId: string): Promise<void> {
  const cleanup = session.detached();
  try {
    await cleanup.attempt(
      'removing the unfinished upload',
      async (client) => {
        const partial = `${runId}${PARTIAL_SUFFIX}`;
        if ((await foldersIn(client, cleanup.root)).has(partial)) await client.removeDir(`${cleanup.root}/${partial}`);
      },
      { retryFor: 0 },
    );
  } catch {
    // Left for retention: it lists as incomplete.
  } finally {
    cleanup.close();
  }
}

/**
 * What an empty file uploads. Over TLS, a data connection closed the moment its handshake ends makes
 * vsftpd (and ProFTPd) fail the upload; ending it a moment later lets the server finish its side.
 */
function emptyContent(): Readable {
  return Readable.from(
    // biome-ignore lint/correctness/useYield: an empty upload that ends a moment late, yielding nothing
    (async function* () {
      await sleep(200);
    })(),
  );
}

/** The folders directly in `root` (none if it does not exist). */
export async function foldersIn(client: Client, root: string): Promise<Set<string>> {
  try {
    return new Set((await client.list(root)).filter((entry) => entry.isDirectory).map((entry) => entry.name));
  } catch (error) {
    if (isMissing(error)) return new Set(); // no folder yet: no backups yet
    throw error;
  }
}

/** The run folders under `root` (see runFolderEntry). */
export async function listRuns(client: Client, root: string): Promise<StoredEntry[]> {
  return [...(await foldersIn(client, root))].flatMap((name) => {
    const stored = runFolderEntry(name);
    return stored ? [stored] : [];
  });
}
