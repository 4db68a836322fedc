import { defineTarget } from '@pickup/core/plugin';
import { init } from './init.js';
import { options, type S3Options } from './options.js';
import type * as Service from './service.js';

/**
 * The AWS SDK takes 10 to 15 MB and a few hundred ms to load: loaded at the first call that talks to
 * the service, not with the plugin (every command that reads the config loads every plugin it names).
 */
let loading: Promise<typeof Service> | undefined;
const service = () => (loading ??= import('./service.js'));

/** What was being done, where, and the S3 service's one-line reason (the SDK's is often `UnknownError`). */
async function s3<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { code, name, message } = error as { code?: string; name?: string; message?: string };
    if (code === 'ENOENT' || code === 'ELOCKED' || name === 'OptionError' || name === 'SecretFileError') throw error;
    // Ours (a request that failed for good, a size that does not match) say it in their message.
    const reason = name === 'S3RequestError' || name === 'Error' ? message : (await service()).describeS3Error(error);
    throw new Error(`${what}: ${reason}`, { cause: error });
  }
}

const where = (opts: S3Options, prefix = `${opts.prefix}/`) =>
  `s3://${opts.bucket}/${prefix}${opts.endpoint ? ` at ${opts.endpoint}` : ''}`;

export default defineTarget({
  name: '@pickup/target-s3',
  init,
  options,
  describe: (opts) => where(opts),
  remote: () => true,

  // Listing this host's backups checks credentials, bucket and prefix permissions at once, and S3 says
  // why it refuses (a HEAD request, HeadBucket, gets no reason back, and needs a wider permission).
  // Tried once: whoever runs a check wants to know at once whether the service answers now.
  async check({ options: opts, resolvePath, log, signal }) {
    const { clientOf, listRuns, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal, 0);
    await s3(`listing ${where(opts)}`, () => listRuns(session));
  },

  async push({ options: opts, resolvePath, run, log, signal, progress }) {
    const { clientOf, pushRun, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal);
    await s3(`uploading to ${where(opts)}`, () => pushRun(session, run, progress));
  },

  async list({ options: opts, resolvePath, log, signal }) {
    const { clientOf, listRuns, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal);
    return s3(`listing ${where(opts)}`, () => listRuns(session));
  },

  async remove({ options: opts, resolvePath, id, log, signal }) {
    const { clientOf, removeRun, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal);
    await s3(`removing ${id} from ${where(opts)}`, () => removeRun(session, id));
  },

  async read({ options: opts, resolvePath, id, path, log, signal }) {
    const { clientOf, readFile, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal);
    return s3(`reading ${id}/${path} from ${where(opts)}`, () => readFile(session, id, path));
  },

  // Every prefix beside this one that holds backups is a host of the bucket (see hosts.ts).
  async hosts({ options: opts, resolvePath, log, signal }) {
    const { clientOf, listHosts, parentOf, S3Session } = await service();
    const session = new S3Session(await clientOf(opts, resolvePath, log), opts, log, signal);
    const hosts = await s3(`listing the hosts in ${where(opts, parentOf(opts.prefix))}`, () => listHosts(session, log));
    return hosts.map(({ host, own, prefix, list, read }) => ({
      host,
      own,
      list: () => s3(`listing ${where(opts, `${prefix}/`)}`, list),
      read: (id: string, path: string) =>
        s3(`reading ${id}/${path} from ${where(opts, `${prefix}/`)}`, () => read(id, path)),
    }));
  },
});
