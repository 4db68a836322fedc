import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PassThrough, Readable } from 'node:stream';
import { checkedBackupId, checkedBackupPath, defineTarget, PARTIAL_SUFFIX, runFolderEntry, type StagedRun, type StoredEntry } from '@pickup/core';
import type { Client } from 'basic-ftp';
import { options, type FtpOptions } from './options.js';
import { describeServer, FtpSession, isMissing, settingsOf } from './session.js';

export { options, type FtpOptions };

export default defineTarget({
  name: '@pickup/target-ftp',
  options,
  describe: (opts) => `${describeServer(opts)} ${opts.path}`,
  remote: () => true,

  async check({ options: opts, resolvePath, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath), log, signal);
    try {
      await session.attempt('checking the backup folder', async (client) => {
        await client.ensureDir(session.root);
        const probe = `${session.root}/.pickup-probe-${process.pid}`;
        // Some content: an empty upload over TLS trips some servers (vsftpd).
        await client.uploadFrom(Readable.from([Buffer.from('pickup write probe\n')]), probe);
        await client.remove(probe);
      });
    } finally {
      session.close();
    }
  },

  async push({ options: opts, resolvePath, run, log, signal, progress }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath), log, signal);
    try {
      await pushRun(session, run, progress);
    } finally {
      session.close();
    }
  },

  async list({ options: opts, resolvePath, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath), log, signal);
    try {
      return await session.attempt('listing the backups', async (client) => listRuns(client, session.root));
    } finally {
      session.close();
    }
  },

  async remove({ options: opts, resolvePath, id, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath), log, signal);
    try {
      await session.attempt(`removing ${id}`, (client) => client.removeDir(`${session.root}/${checkedBackupId(id)}`));
    } finally {
      session.close();
    }
  },

  async read({ options: opts, resolvePath, id, path, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath), log, signal);
    const stream = new PassThrough();
    // The transfer runs while the caller reads; its end or error ends the stream and the session.
    const remote = () => `${session.root}/${checkedBackupId(id)}/${checkedBackupPath(path)}`;
    session
      .attempt(`reading ${id}/${path}`, (client) => client.downloadTo(stream, remote()))
      .then(
        () => stream.end(),
        (error: Error) => stream.destroy(Object.assign(error, isMissingMessage(error) ? { code: 'ENOENT' } : {})),
      )
      .finally(() => session.close());
    return stream;
  },
});

/** Uploads into `<runId>.partial`, checking each file's size, the manifest last, then renames it to `<runId>`. */
async function pushRun(session: FtpSession, run: StagedRun, progress?: (update: { bytes: number; files: number }) => void): Promise<void> {
  const existing = await session.attempt('listing the backups', (client) => listRuns(client, session.root));
  if (existing.some((entry) => entry.id === run.runId)) throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  const partial = () => `${session.root}/${run.runId}${PARTIAL_SUFFIX}`;
  await session.attempt('preparing the upload folder', async (client) => {
    if (existing.some((entry) => entry.id === `${run.runId}${PARTIAL_SUFFIX}`)) await client.removeDir(partial());
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
      if (progress && counted) client.trackProgress((info) => progress({ bytes: sent.bytes + info.bytes, files: sent.files }));
      try {
        await client.uploadFrom((await stat(local)).size === 0 ? emptyContent() : createReadStream(local, { highWaterMark: 1024 * 1024 }), remote);
      } finally {
        client.trackProgress();
      }
      const stored = await client.size(remote);
      if (stored !== size) throw Object.assign(new Error(`${path} has ${stored} bytes on the server after upload, expected ${size}`), { code: 'ESIZE' });
    });
  for (const file of run.files) {
    await upload(file.path, file.size, true);
    sent.bytes += file.size;
    sent.files++;
  }
  await upload(run.manifestFile, (await stat(join(run.dir, run.manifestFile))).size, false);
  await session.attempt('renaming the upload into place', (client) => client.rename(partial(), `${session.root}/${run.runId}`));
}

/**
 * What an empty file uploads. Over TLS, a data connection closed the moment its handshake ends makes
 * vsftpd (and ProFTPd) fail the upload; ending it a moment later lets the server finish its side.
 */
function emptyContent(): Readable {
  return Readable.from(
    (async function* () {
      await sleep(200);
    })(),
  );
}

/** The run folders under `root` (see runFolderEntry). */
async function listRuns(client: Client, root: string): Promise<StoredEntry[]> {
  let names: { name: string; isDirectory: boolean }[];
  try {
    names = await client.list(root);
  } catch (error) {
    if (isMissing(error)) return []; // no folder yet: no backups yet
    throw error;
  }
  return names.flatMap((entry) => {
    const stored = entry.isDirectory ? runFolderEntry(entry.name) : undefined;
    return stored ? [stored] : [];
  });
}

function isMissingMessage(error: Error): boolean {
  return /\b550\b/.test(error.message);
}
