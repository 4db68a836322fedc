import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, type ProgressUpdate, type PushResult, type StagedRun } from '@pickup/core/plugin';
import { isMissing } from './failure.js';
import type { Restic } from './restic.js';
import { despiteLocks, listSnapshots, PICKUP_TAG, runTag, unlockStale, type Snapshot } from './snapshots.js';

export interface PushPlan {
  run: StagedRun;
  host: string;
  /** Create the repository if it is not there. */
  init: boolean;
  /** Seconds to wait for another restic process's lock. */
  lockWait: number;
  progress?: ((update: ProgressUpdate) => void) | undefined;
}

/** restic's --json messages of a backup that matter here. */
interface BackupStatus {
  message_type: 'status';
  total_files?: number;
  total_bytes?: number;
  files_done?: number;
  bytes_done?: number;
}
interface BackupSummary {
  message_type: 'summary';
  snapshot_id: string;
  total_files_processed: number;
  total_bytes_processed: number;
  data_added: number;
}

/**
 * One snapshot of the run's staging folder, run from inside it: the paths in the snapshot are the run's
 * own (`/manifest.json`, `/www/www.tar.gz`), the same every night, whatever the staging folder's name.
 * restic writes the snapshot last, after all its data: a push cut off anywhere leaves no snapshot, only
 * data no snapshot uses, which `reclaim` removes.
 */
export async function pushRun(restic: Restic, { run, host, init, lockWait, progress }: PushPlan): Promise<PushResult> {
  await assertStaged(run);
  const existing = await snapshotsOrInit(restic, host, init);
  // The locks a killed restic left (a run killed midway) would stop other restic commands, the user's too.
  await unlockStale(restic);
  if (existing.some((snapshot) => snapshot.runId === run.runId)) {
    throw new Error(`backup ${run.runId} already exists there; a backup is never overwritten`);
  }
  let summary: BackupSummary | undefined;
  const onLine = (line: string) => {
    const message = parseMessage(line);
    if (message?.message_type === 'summary') summary = message;
    else if (message?.message_type === 'status') {
      progress?.({
        bytes: message.bytes_done ?? 0,
        files: message.files_done ?? 0,
        totalBytes: message.total_bytes,
        totalFiles: message.total_files,
      });
    }
  };
  const args = [
    'backup',
    '--json',
    '--host',
    host,
    '--tag',
    PICKUP_TAG,
    '--tag',
    runTag(run.runId),
    '--time',
    resticTime(run.manifest.startedAt),
    '.',
  ];
  try {
    // A stale lock (a killed prune's) is removed, a live one waited for: restic stops at once for either.
    await despiteLocks(restic, lockWait, () => restic.run(args, { onLine, cwd: run.dir }));
  } catch (error) {
    // Exit code 3: a snapshot was made, without what could not be read. It is no backup of this run.
    if (summary) await forgetQuietly(restic, summary.snapshot_id);
    throw error;
  }
  if (!summary) throw new Error('restic backup ended without saying which snapshot it made');
  const expected = run.files.length + 1; // and the manifest
  if (summary.total_files_processed !== expected) {
    await forgetQuietly(restic, summary.snapshot_id);
    throw new Error(
      `restic stored ${summary.total_files_processed} files where the run has ${expected}: the staging folder changed during the push`,
    );
  }
  return { linkedBytes: Math.max(0, summary.total_bytes_processed - summary.data_added) };
}

/** Pickup's snapshots of this host; a repository that is not there is created first, if `init` allows. */
async function snapshotsOrInit(restic: Restic, host: string, init: boolean): Promise<Snapshot[]> {
  try {
    return await listSnapshots(restic, host);
  } catch (error) {
    if (!init || !isMissing(error)) throw error;
  }
  restic.setup.log.info(`creating restic repository ${restic.repository.shown}`);
  await restic.run(['init']);
  return [];
}

/**
 * Every file of the run is there with its size, the manifest too. restic leaves out a path that is
 * missing without failing; a backup must not.
 */
async function assertStaged(run: StagedRun): Promise<void> {
  for (const file of [...run.files, { path: run.manifestFile, size: undefined }]) {
    const path = join(run.dir, file.path);
    let size: number;
    try {
      const stats = await lstat(path);
      if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
      size = stats.size;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT')
        throw new Error(`${file.path} of run ${run.runId} is missing from the staging folder ${run.dir}`);
      throw error;
    }
    if (file.size !== undefined && size !== file.size) {
      throw new Error(`${file.path} of run ${run.runId} has ${size} bytes where its manifest says ${file.size}`);
    }
  }
}

/** A snapshot made by a push that failed after all; a failure to forget it is left to a later removal. */
async function forgetQuietly(restic: Restic, snapshotId: string): Promise<void> {
  await restic.run(['forget', snapshotId], { detached: true }).catch((error: unknown) => {
    restic.setup.log.warn(
      `restic snapshot ${snapshotId} of a failed push could not be forgotten: ${(error as Error).message}`,
    );
  });
}

function parseMessage(line: string): BackupStatus | BackupSummary | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as BackupStatus | BackupSummary;
  } catch {
    return undefined;
  }
}

/** `--time` takes `2006-01-02 15:04:05` in the local zone, which restic is given as UTC. */
function resticTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}
