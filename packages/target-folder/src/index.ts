import { defineTarget, exists, z } from '@pickup/core/plugin';
import { listHosts, notPerHost } from './hosts.js';
import { init } from './init.js';
import { hostFolderName, isHostFolderName, layoutOf } from './layout.js';
import { assertWritableFolder, makeHostFolder, storeRun } from './store.js';
import { listOwnRuns, openRunFile, removeRun } from './stored.js';

export const options = z
  .object({
    /** The folder that holds the backups, one sub-folder per run. Relative paths are relative to the config file. */
    path: z.string().min(1),
    /**
     * Create `path` if it is missing. Off by default: a missing backup folder often means a disk that is
     * not mounted, and filling the root file system instead helps no one.
     */
    createPath: z.boolean().default(false),
    /** `path` holds one folder per host: this host's backups go into `<path>/<host>/<runId>`. */
    perHost: z.boolean().default(false),
    /** With `perHost`: the name of this host's folder. Default: the machine's host name. */
    host: z
      .string()
      .refine(
        isHostFolderName,
        'must be one folder name: not empty, without "/", not starting with ".", not a run id nor lost+found',
      )
      .optional(),
  })
  .strict()
  .refine((value) => value.host === undefined || value.perHost, {
    message: 'is only used with perHost: true; set perHost: true, or remove host',
    path: ['host'],
  });

export type FolderTargetOptions = z.output<typeof options>;

export default defineTarget({
  name: '@pickup/target-folder',
  init,
  options,
  describe: (opts, resolvePath) =>
    opts.perHost
      ? `folder ${resolvePath(opts.path)}, one folder per host (this host's: ${hostFolderName(opts)})`
      : `folder ${resolvePath(opts.path)}`,
  // A mounted network share is another machine too, but nothing here can tell: a folder counts as local.
  remote: () => false,

  async check({ options: opts, resolvePath }) {
    const { root, folder } = layoutOf(opts, resolvePath);
    // A host folder not there yet is made by the push, in `path`: that is what must be writable then.
    await assertWritableFolder((await exists(folder)) ? folder : root, opts.createPath, 'check');
  },

  async push({ options: opts, resolvePath, run, log, signal, progress }) {
    const { root, folder } = layoutOf(opts, resolvePath);
    await assertWritableFolder(root, opts.createPath, 'push');
    if (folder !== root) await makeHostFolder(folder);
    const stored = await storeRun(folder, run, signal, progress);
    log.debug(
      `stored in ${stored.path}: ${stored.writtenBytes} bytes written, ${stored.linkedBytes} linked to the previous backup, ` +
        `${stored.stagedLinkedBytes} linked from staging`,
    );
    return { linkedBytes: stored.linkedBytes };
  },

  list: ({ options: opts, resolvePath }) => listOwnRuns(layoutOf(opts, resolvePath)),
  remove: ({ options: opts, resolvePath, id }) => removeRun(layoutOf(opts, resolvePath).folder, id),
  read: ({ options: opts, resolvePath, id, path }) => openRunFile(layoutOf(opts, resolvePath).folder, id, path),

  async hosts({ options: opts, resolvePath }) {
    const root = resolvePath(opts.path);
    if (!opts.perHost) throw notPerHost(root);
    return listHosts(root, hostFolderName(opts));
  },
});
