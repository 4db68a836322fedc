import type { Readable } from 'node:stream';
import { checkedBackupId, checkedBackupPath, defineTarget, type StoredEntry } from '@pickup/core/plugin';
import { connect, hostOf } from './connect.js';
import { options, type ResticOptions } from './options.js';
import { pushRun } from './push.js';
import { parseRepository } from './repository.js';
import { isMissing } from './failure.js';
import { repositoryExists } from './repository-state.js';
import type { Restic } from './restic.js';
import { despiteLocks, listSnapshots, snapshotsByHost, type Snapshot } from './snapshots.js';
import { init } from './init.js';

export { options, type ResticOptions };

export default defineTarget({
  name: '@pickup/target-restic',
  init,
  options,
  describe: (opts, resolvePath) =>
    `restic repository ${parseRepository(opts, resolvePath).shown}, snapshots of host ${hostOf(opts)}`,
  remote: (opts) => parseRepository(opts, (path) => path).kind !== 'local',
  // restic encrypts every repository with its password.
  encrypts: () => true,

  async check(context) {
    const restic = await connect(context);
    // Reads only: the version, the repository's config with the password; no lock is taken.
    if (await repositoryExists(restic)) return;
    if (!context.options.init) await listSnapshots(restic, hostOf(context.options)); // throws: no repository there
    context.log.info(
      `there is no restic repository at ${restic.repository.shown} yet; the first push creates it (init: true)`,
    );
  },

  async push(context) {
    const restic = await connect(context);
    const { init, lockWait } = context.options;
    return pushRun(restic, {
      run: context.run,
      host: hostOf(context.options),
      init,
      lockWait,
      progress: context.progress,
    });
  },

  async list(context) {
    const restic = await connect(context);
    let snapshots: Snapshot[];
    try {
      snapshots = await listSnapshots(restic, hostOf(context.options));
    } catch (error) {
      if (context.options.init && isMissing(error)) return []; // nothing pushed yet
      throw error;
    }
    remember(restic, context.options, snapshots);
    return entriesOf(snapshots);
  },

  async remove(context) {
    const restic = await connect(context);
    const id = checkedBackupId(context.id);
    const doomed = await snapshotsOf(restic, context.options, id);
    if (doomed.length === 0) return; // not there (any more): nothing of it is left
    // One forget of every snapshot of the run: a snapshot file deleted is a backup gone whole. Its data
    // stays until `reclaim` (restic prune), once per retention pass.
    await despiteLocks(restic, context.options.lockWait, () =>
      restic.run(['forget', ...doomed.map((snapshot) => snapshot.id)]),
    );
    known.delete(cacheKey(restic, context.options, id));
  },

  async read(context) {
    return readFile(await connect(context), context.options, context.id, context.path);
  },

  // Every host's snapshots from one listing; reads as `read` does, of that host's snapshots only. No lock.
  async hosts(context) {
    const restic = await connect(context);
    const own = hostOf(context.options);
    let byHost: Map<string, Snapshot[]>;
    try {
      byHost = await snapshotsByHost(restic);
    } catch (error) {
      if (!(context.options.init && isMissing(error))) throw error;
      byHost = new Map(); // nothing pushed yet
    }
    if (!byHost.has(own)) byHost.set(own, []);
    return [...byHost].map(([host, snapshots]) => {
      const options = { ...context.options, host };
      remember(restic, options, snapshots);
      return {
        host,
        own: host === own,
        list: async () => entriesOf(snapshots),
        read: (id: string, path: string) => readFile(restic, options, id, path),
      };
    });
  },

  async reclaim(context) {
    const restic = await connect(context);
    try {
      await despiteLocks(restic, context.options.lockWait, () => restic.run(['prune']));
    } catch (error) {
      if (!(context.options.init && isMissing(error))) throw error; // no repository yet: nothing to reclaim
    }
  },
});

/** The backups of a host's snapshots: every snapshot restic writes is whole, so none lists as incomplete. */
function entriesOf(snapshots: readonly Snapshot[]): StoredEntry[] {
  return [...new Set(snapshots.map((snapshot) => snapshot.runId))].map((runId) => ({
    id: runId,
    runId,
    complete: true,
  }));
}

/**
 * A file of a backup of the host the options name, from its snapshot. Without a lock: reads take none, so
 * many at once (the core reads every manifest) do not wait on each other's lock files, and a repository
 * this host may only read is read too.
 */
async function readFile(
  restic: Restic,
  options: ResticOptions,
  backupId: string,
  backupPath: string,
): Promise<Readable> {
  const id = checkedBackupId(backupId);
  const path = checkedBackupPath(backupPath);
  const [snapshot] = await snapshotsOf(restic, options, id);
  if (!snapshot)
    throw Object.assign(new Error(`no snapshot of backup ${id} in restic repository ${restic.repository.shown}`), {
      code: 'ENOENT',
    });
  return restic.stream(['dump', '--no-lock', snapshot.id, `/${path}`]);
}

/**
 * The snapshots of one run. Snapshots never change: what a listing found is kept for the process, so
 * that `pickup verify` and `restore` do not list the repository again for every file.
 */
const known = new Map<string, Snapshot[]>();

async function snapshotsOf(restic: Restic, options: ResticOptions, runId: string): Promise<Snapshot[]> {
  const key = cacheKey(restic, options, runId);
  const cached = known.get(key);
  if (cached) return cached;
  const found = (await listSnapshots(restic, hostOf(options))).filter((snapshot) => snapshot.runId === runId);
  if (found.length > 0) known.set(key, found);
  return found;
}

/** What a listing found, for the reads that follow it (the core reads each backup's manifest). */
function remember(restic: Restic, options: ResticOptions, snapshots: readonly Snapshot[]): void {
  for (const runId of new Set(snapshots.map((snapshot) => snapshot.runId))) {
    known.set(
      cacheKey(restic, options, runId),
      snapshots.filter((snapshot) => snapshot.runId === runId),
    );
  }
}

function cacheKey(restic: Restic, options: ResticOptions, runId: string): string {
  return JSON.stringify([restic.repository.location, hostOf(options), runId]);
}
