import { Readable } from 'node:stream';
import { checkedBackupId, defineTarget } from '@pickup/core/plugin';
import { options, type FtpOptions } from './options.js';
import { listRuns, pushRun } from './push.js';
import { readRunFile } from './read.js';
import { removeRun } from './remove.js';
import { describeServer, FtpSession, settingsOf } from './session.js';
import { init } from './init.js';

export { options, type FtpOptions };

export default defineTarget({
  name: '@pickup/target-ftp',
  init,
  options,
  describe: (opts) => `${describeServer(opts)} ${opts.path}`,
  remote: () => true,

  // Tried once: whoever runs a check wants to know at once whether the server answers now.
  async check({ options: opts, resolvePath, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath, log), log, signal);
    try {
      await session.attempt(
        'checking the backup folder',
        async (client) => {
          await client.ensureDir(session.root);
          const probe = `${session.root}/.pickup-probe-${process.pid}`;
          // Some content: an empty upload over TLS trips some servers (vsftpd).
          await client.uploadFrom(Readable.from([Buffer.from('pickup write probe\n')]), probe);
          await client.remove(probe);
        },
        { retryFor: 0 },
      );
    } finally {
      session.close();
    }
  },

  async push({ options: opts, resolvePath, run, log, signal, progress }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath, log), log, signal);
    try {
      await pushRun(session, run, progress);
    } finally {
      session.close();
    }
  },

  async list({ options: opts, resolvePath, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath, log), log, signal);
    try {
      return await session.attempt('listing the backups', async (client) => listRuns(client, session.root));
    } finally {
      session.close();
    }
  },

  async remove({ options: opts, resolvePath, id, log, signal }) {
    checkedBackupId(id);
    const session = new FtpSession(await settingsOf(opts, resolvePath, log), log, signal);
    try {
      await session.attempt(`removing ${id}`, (client) => removeRun(client, session.root, id));
    } finally {
      session.close();
    }
  },

  async read({ options: opts, resolvePath, id, path, log, signal }) {
    const session = new FtpSession(await settingsOf(opts, resolvePath, log), log, signal);
    return readRunFile(session, id, path);
  },
});
