import { rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import {
  checkedBackupId,
  checkedBackupPath,
  defineTarget,
  errnoCode,
  OptionError,
  PARTIAL_SUFFIX,
  privateTempDir,
  runFolderEntry,
  type Logger,
  type StagedRun,
  type StoredEntry,
} from '@pickup/core/plugin';
import { options, type RsyncOptions } from './options.js';
import { describeDest, keyscanLine, parseDest, Shell, sshArgs } from './remote.js';
import { retrier, type Retry } from './retry.js';
import { rsync, rsyncPath, type RsyncCall } from './rsync.js';
import { init } from './init.js';

export { options, type RsyncOptions };

interface Context {
  options: RsyncOptions;
  resolvePath(path: string): string;
  log: Logger;
  signal: AbortSignal;
}

function setup({ options: opts, resolvePath, log, signal }: Context): { shell: Shell; call: RsyncCall; retry: Retry } {
  const destination = parseDest(opts.dest, resolvePath);
  const ssh = sshArgs(opts, resolvePath);
  const keyscan = keyscanLine(destination, opts, resolvePath);
  return {
    shell: new Shell(destination, ssh, log, keyscan, signal),
    call: { rsync: opts.rsync, ssh, extra: opts.rsyncArgs, destination, keyscan, log, signal },
    retry: retrier({ retryFor: opts.retryFor, log, signal }),
  };
}

export default defineTarget({
  name: '@pickup/target-rsync',
  init,
  options,
  describe: (opts, resolvePath) => `rsync to ${describeDest(parseDest(opts.dest, resolvePath))}`,
  remote: (opts) => parseDest(opts.dest, (path) => path).login !== undefined,

  async check(context) {
    const { shell } = setup(context);
    const root = shell.destination.root;
    // Proves the folder can be written, over the same path a push uses; creates nothing that stays.
    const folder = context.options.createPath
      ? await nearestExistingFolder(shell, root)
      : await assertDestination(shell, root);
    const probe = posix.join(folder, `.pickup-probe-${process.pid}`);
    await shell.run(['mkdir', '--', probe]);
    await shell.run(['rmdir', '--', probe]);
  },

  async push(context) {
    const { shell, call, retry } = setup(context);
    await pushRun(shell, call, retry, context.run, context.options.createPath);
  },

  async list(context) {
    const { shell, retry } = setup(context);
    return retry('listing the backups', () => listRuns(shell));
  },

  async remove(context) {
    const { shell, retry } = setup(context);
    const id = checkedBackupId(context.id);
    await retry(`removing ${id}`, () => removeRun(shell, id));
  },

  async read(context) {
    const { shell } = setup(context);
    return shell.stream([
      'cat',
      '--',
      posix.join(shell.destination.root, checkedBackupId(context.id), checkedBackupPath(context.path)),
    ]);
  },
});

/**
 * rsync into `<runId>.partial` with --link-dest on the newest complete backup (identical files become
 * hard links), the manifest in a second rsync, then one rename makes the backup appear whole. Each step
 * is tried again after a connection failure; the transfer goes on into the same `.partial` folder. A push
 * that fails (or is interrupted) removes its `.partial` folder.
 */
async function pushRun(
  shell: Shell,
  call: RsyncCall,
  retry: Retry,
  run: StagedRun,
  createPath: boolean,
): Promise<void> {
  const root = shell.destination.root;
  await retry('checking the destination', () =>
    createPath ? shell.run(['mkdir', '-p', '-m', '700', '--', root]) : assertDestination(shell, root),
  );
  const existing = await retry('listing the backups', () => listRuns(shell));
  if (existing.some((entry) => entry.id === run.runId))
    throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  const newest = existing.filter((entry) => entry.complete).sort((a, b) => (a.id < b.id ? 1 : -1))[0];
  const partial = posix.join(root, `${run.runId}${PARTIAL_SUFFIX}`);
  const final = posix.join(root, run.runId);
  // Content decides what is unchanged: staged files are new each run, so their times are not kept
  // (--link-dest links only files whose kept attributes all match). Whatever the staged modes, what is
  // stored is for the destination's user only, hard links to the previous backup included.
  const common = ['--links', '--perms', '--chmod=D700,F600', '--checksum', ...call.extra];
  try {
    await sendRun(shell, call, retry, run, { partial, final, common, linkDest: newest?.id });
  } catch (error) {
    // Tried once, not interrupted; what is left lists as incomplete, for retention.
    await shell
      .detached()
      .run(['rm', '-rf', '--', partial])
      .catch(() => {});
    throw error;
  }
}

interface SendPlan {
  partial: string;
  final: string;
  common: string[];
  /** The newest complete backup, to hard-link unchanged files to. */
  linkDest: string | undefined;
}

async function sendRun(
  shell: Shell,
  call: RsyncCall,
  retry: Retry,
  run: StagedRun,
  { partial, final, common, linkDest }: SendPlan,
): Promise<void> {
  await withFileLists(async (fileList) => {
    // Exactly the manifest's files: one that is missing must fail the push, not leave a backup without it.
    const data = await fileList(run.files.map((file) => file.path));
    await retry('sending the files', () =>
      rsync(call, [
        ...common,
        '--recursive',
        `--files-from=${data}`,
        '--from0',
        // Relative to the folder rsync writes into, its sibling: right for absolute and relative roots alike.
        ...(linkDest ? [`--link-dest=../${linkDest}`] : []),
        `${run.dir}/`,
        rsyncPath(shell.destination, `${partial}/`),
      ]),
    );
    // The manifest, and the folder itself (`.`, not descended into): rsync made it with the remote umask's mode.
    const last = await fileList(['.', run.manifestFile]);
    await retry('sending the manifest', () =>
      rsync(call, [
        ...common,
        '--dirs',
        `--files-from=${last}`,
        '--from0',
        `${run.dir}/`,
        rsyncPath(shell.destination, `${partial}/`),
      ]),
    );
  });
  await retry('renaming the backup into place', (attempt) => rename(shell, partial, final, attempt));
}

/** `mv`; tried again, a missing source with the final name there means the first try did it before its connection broke. */
async function rename(shell: Shell, from: string, to: string, attempt: number): Promise<void> {
  try {
    await shell.run(['mv', '--', from, to]);
  } catch (error) {
    if (attempt > 1 && errnoCode(error) === 'ENOENT' && (await isFolder(shell, to))) return;
    throw error;
  }
}

/**
 * A complete backup is first renamed to `<id>.partial` (after removing a leftover of that name), then
 * removed: at no moment does a half-removed backup list as complete. Every step can be run again.
 */
async function removeRun(shell: Shell, id: string): Promise<void> {
  const root = shell.destination.root;
  const folder = posix.join(root, id);
  if (!runFolderEntry(id)!.complete) {
    await shell.run(['rm', '-rf', '--', folder]);
    return;
  }
  // One connection: clear a leftover, rename (a missing folder was renamed by a try whose connection
  // broke, or never there: either way nothing is complete), then delete.
  const script = 'rm -rf -- "$2" && { [ ! -e "$1" ] || mv -- "$1" "$2"; } && rm -rf -- "$2"';
  await shell.run(['sh', '-c', script, 'sh', folder, `${folder}${PARTIAL_SUFFIX}`]);
}

/**
 * Runs `use` with a way to write lists of paths into private temporary files, NUL-separated (rsync
 * --files-from --from0). Their folder is one the next run removes if this one is killed.
 */
async function withFileLists<T>(
  use: (fileList: (paths: readonly string[]) => Promise<string>) => Promise<T>,
): Promise<T> {
  const folder = await privateTempDir('rsync-lists');
  let count = 0;
  try {
    return await use(async (paths) => {
      const list = join(folder, `list-${++count}`);
      await writeFile(list, paths.map((path) => `${path}\0`).join(''), { mode: 0o600 });
      return list;
    });
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
    throw new OptionError(
      'dest',
      `${describeDest(shell.destination)} does not exist or is not a folder (is its disk mounted?); create it, or set createPath: true`,
    );
  }
}

/** The folder itself, or the nearest one above it that exists (where createPath would create it). */
async function nearestExistingFolder(shell: Shell, root: string): Promise<string> {
  for (let folder = root; ; folder = posix.dirname(folder)) {
    if (await isFolder(shell, folder)) return folder;
    if (folder === posix.dirname(folder)) return folder;
  }
}

async function isFolder(shell: Shell, path: string): Promise<boolean> {
  return shell.run(['test', '-d', path]).then(
    () => true,
    () => false,
  );
}

/** The run folders under the destination (see runFolderEntry). */
async function listRuns(shell: Shell): Promise<StoredEntry[]> {
  const root = shell.destination.root;
  const names = (
    await shell.run(['ls', '-1A', '--', root]).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return ''; // no folder yet: no backups yet
      throw error;
    })
  )
    .split('\n')
    .filter(Boolean);
  return names.flatMap((name): StoredEntry[] => {
    const stored = runFolderEntry(name);
    return stored ? [stored] : [];
  });
}
