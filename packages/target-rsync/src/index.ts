import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { checkedBackupId, checkedBackupPath, defineTarget, MANIFEST_FILE, OptionError, PARTIAL_SUFFIX, runFolderEntry, type Logger, type StagedRun, type StoredEntry } from '@pickup/core';
import { options, type RsyncOptions } from './options.js';
import { describeDest, keyscanLine, parseDest, Shell, sshArgs } from './remote.js';
import { rsync, rsyncPath, type RsyncCall } from './rsync.js';

export { options, type RsyncOptions };

interface Context {
  options: RsyncOptions;
  resolvePath(path: string): string;
  log: Logger;
  signal: AbortSignal;
}

function setup({ options: opts, resolvePath, log, signal }: Context): { shell: Shell; call: RsyncCall } {
  const destination = parseDest(opts.dest, resolvePath);
  const ssh = sshArgs(opts, resolvePath);
  const keyscan = keyscanLine(destination, opts, resolvePath);
  return {
    shell: new Shell(destination, ssh, log, keyscan, signal),
    call: { rsync: opts.rsync, ssh, extra: opts.rsyncArgs, destination, keyscan, log, signal },
  };
}

export default defineTarget({
  name: '@pickup/target-rsync',
  options,
  describe: (opts, resolvePath) => `rsync to ${describeDest(parseDest(opts.dest, resolvePath))}`,
  remote: (opts) => parseDest(opts.dest, (path) => path).login !== undefined,

  async check(context) {
    const { shell } = setup(context);
    const root = shell.destination.root;
    // Proves the folder can be written, over the same path a push uses; creates nothing that stays.
    const folder = context.options.createPath ? await nearestExistingFolder(shell, root) : await assertDestination(shell, root);
    const probe = posix.join(folder, `.pickup-probe-${process.pid}`);
    await shell.run(['mkdir', '--', probe]);
    await shell.run(['rmdir', '--', probe]);
  },

  async push(context) {
    const { shell, call } = setup(context);
    await pushRun(shell, call, context.run, context.options.createPath);
  },

  list: async (context) => listRuns(setup(context).shell),

  async remove(context) {
    const { shell } = setup(context);
    await shell.run(['rm', '-rf', '--', posix.join(shell.destination.root, checkedBackupId(context.id))]);
  },

  async read(context) {
    const { shell } = setup(context);
    return shell.stream(['cat', '--', posix.join(shell.destination.root, checkedBackupId(context.id), checkedBackupPath(context.path))]);
  },
});

/**
 * rsync into `<runId>.partial` with --link-dest on the newest complete backup (identical files become
 * hard links), the manifest in a second rsync, then one rename makes the backup appear whole.
 */
async function pushRun(shell: Shell, call: RsyncCall, run: StagedRun, createPath: boolean): Promise<void> {
  const root = shell.destination.root;
  if (createPath) await shell.run(['mkdir', '-p', '-m', '700', '--', root]);
  else await assertDestination(shell, root);
  const existing = await listRuns(shell);
  if (existing.some((entry) => entry.id === run.runId)) throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  const newest = existing.filter((entry) => entry.complete).sort((a, b) => (a.id < b.id ? 1 : -1))[0];
  const partial = posix.join(root, `${run.runId}${PARTIAL_SUFFIX}`);
  // Content decides what is unchanged: staged files are new each run, so their times are not kept
  // (--link-dest links only files whose kept attributes all match).
  const common = ['--recursive', '--links', '--perms', '--checksum', ...call.extra];
  // Exactly the manifest's files: one that is missing must fail the push, not leave a backup without it.
  await withFileList(run.files.map((file) => file.path), (list) =>
    rsync(call, [
      ...common,
      `--files-from=${list}`,
      '--from0',
      // Relative to the folder rsync writes into, its sibling: right for absolute and relative roots alike.
      ...(newest ? [`--link-dest=../${newest.id}`] : []),
      `${run.dir}/`,
      rsyncPath(shell.destination, `${partial}/`),
    ]),
  );
  await rsync(call, [...common, join(run.dir, run.manifestFile), rsyncPath(shell.destination, `${partial}/${MANIFEST_FILE}`)]);
  await shell.run(['mv', '--', partial, posix.join(root, run.runId)]);
}

/** Runs `use` with a private temporary file listing `paths`, NUL-separated (rsync --files-from --from0). */
async function withFileList<T>(paths: readonly string[], use: (list: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'pickup-rsync-'));
  try {
    const list = join(folder, 'files');
    await writeFile(list, paths.map((path) => `${path}\0`).join(''), { mode: 0o600 });
    return await use(list);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The destination folder must exist (unless createPath): a missing one is often a disk not mounted. */
async function assertDestination(shell: Shell, root: string): Promise<string> {
  try {
    await shell.run(['test', '-d', root]);
    return root;
  } catch (error) {
    // `test` says no with 1; anything else (ssh's 255: host key, login, connection) speaks for itself.
    if ((error as { exitCode?: number | null }).exitCode !== 1) throw error;
    throw new OptionError('dest', `${describeDest(shell.destination)} does not exist or is not a folder (is its disk mounted?); create it, or set createPath: true`);
  }
}

/** The folder itself, or the nearest one above it that exists (where createPath would create it). */
async function nearestExistingFolder(shell: Shell, root: string): Promise<string> {
  for (let folder = root; ; folder = posix.dirname(folder)) {
    if (await shell.run(['test', '-d', folder]).then(() => true, () => false)) return folder;
    if (folder === posix.dirname(folder)) return folder;
  }
}

/** The run folders under the destination (see runFolderEntry). */
async function listRuns(shell: Shell): Promise<StoredEntry[]> {
  const root = shell.destination.root;
  const names = (await shell.run(['ls', '-1A', '--', root]).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''; // no folder yet: no backups yet
    throw error;
  }))
    .split('\n')
    .filter(Boolean);
  return names.flatMap((name): StoredEntry[] => {
    const stored = runFolderEntry(name);
    return stored ? [stored] : [];
  });
}
