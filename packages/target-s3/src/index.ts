import { defineTarget } from '@pickup/core';
import { clientOf, describeS3Error } from './client.js';
import { listRuns } from './list.js';
import { options, type S3Options } from './options.js';
import { pushRun } from './push.js';
import { readFile } from './read.js';
import { removeRun } from './remove.js';

/** The S3 service's one-line reason instead of the SDK's, which is often `UnknownError`. */
async function s3<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT' || (error as { code?: string }).code === 'ELOCKED') throw error;
    if ((error as { name?: string }).name === 'OptionError') throw error;
    throw new Error(`${what}: ${describeS3Error(error)}`, { cause: error });
  }
}

const where = (opts: S3Options) => `s3://${opts.bucket}/${opts.prefix}/${opts.endpoint ? ` at ${opts.endpoint}` : ''}`;

export default defineTarget({
  name: '@pickup/target-s3',
  options,
  describe: (opts) => where(opts),
  remote: () => true,

  // Listing this host's backups checks credentials, bucket and prefix permissions at once, and S3 says
  // why it refuses (a HEAD request, HeadBucket, gets no reason back, and needs a wider permission).
  async check({ options: opts, resolvePath, signal }) {
    const client = await clientOf(opts, resolvePath);
    await s3(`listing ${where(opts)}`, () => listRuns(client, opts, signal));
  },

  async push({ options: opts, resolvePath, run, signal, progress }) {
    const client = await clientOf(opts, resolvePath);
    await s3(`uploading to ${where(opts)}`, () => pushRun({ client, opts, signal, progress }, run));
  },

  async list({ options: opts, resolvePath, signal }) {
    const client = await clientOf(opts, resolvePath);
    return s3(`listing ${where(opts)}`, () => listRuns(client, opts, signal));
  },

  async remove({ options: opts, resolvePath, id, signal }) {
    const client = await clientOf(opts, resolvePath);
    await s3(`removing ${id}`, () => removeRun(client, opts, id, signal));
  },

  async read({ options: opts, resolvePath, id, path, signal }) {
    const client = await clientOf(opts, resolvePath);
    return s3(`reading ${id}/${path}`, () => readFile(client, opts, id, path, signal));
  },
});
