import { defineTarget, z } from '@pickup/core/plugin';
import { assertWritableFolder, storeRun } from './store.js';
import { listRuns, openRunFile, removeRun } from './stored.js';
import { init } from './init.js';

export const options = z
  .object({
    /** The folder that holds the backups, one sub-folder per run. Relative paths are relative to the config file. */
    path: z.string().min(1),
    /**
     * Create `path` if it is missing. Off by default: a missing backup folder often means a disk that is
     * not mounted, and filling the root file system instead helps no one.
     */
    createPath: z.boolean().default(false),
  })
  .strict();

export type FolderTargetOptions = z.output<typeof options>;

export default defineTarget({
  name: '@pickup/target-folder',
  init,
  options,
  describe: (opts, resolvePath) => `folder ${resolvePath(opts.path)}`,
  // A mounted network share is another machine too, but nothing here can tell: a folder counts as local.
  remote: () => false,

  async check({ options: opts, resolvePath }) {
    await assertWritableFolder(resolvePath(opts.path), opts.createPath, 'check');
  },

  async push({ options: opts, resolvePath, run, log, signal, progress }) {
    const root = resolvePath(opts.path);
    await assertWritableFolder(root, opts.createPath, 'push');
    const stored = await storeRun(root, run, signal, progress);
    log.debug(
      `stored in ${stored.path}: ${stored.writtenBytes} bytes written, ${stored.linkedBytes} linked to the previous backup, ` +
        `${stored.stagedLinkedBytes} linked from staging`,
    );
    return { linkedBytes: stored.linkedBytes };
  },

  list: ({ options: opts, resolvePath }) => listRuns(resolvePath(opts.path)),
  remove: ({ options: opts, resolvePath, id }) => removeRun(resolvePath(opts.path), id),
  read: ({ options: opts, resolvePath, id, path }) => openRunFile(resolvePath(opts.path), id, path),
});
