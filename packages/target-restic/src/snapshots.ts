import { setTimeout as sleep } from 'node:timers/promises';
import { isRunId } from '@pickup/core/plugin';
import { isLocked } from './failure.js';
import type { Restic } from './restic.js';

/** Every snapshot Pickup makes carries this tag, and `pickup-run=<run id>`. */
export const PICKUP_TAG = 'pickup';
const RUN_TAG = 'pickup-run=';

export const runTag = (runId: string) => `${RUN_TAG}${runId}`;

/** One of Pickup's snapshots of this host, as `restic snapshots --json` describes it. */
export interface Snapshot {
  /** restic's snapshot id. */
  id: string;
  runId: string;
  /** The folder restic was run in (the run's staging folder): paths inside the snapshot are relative to it. */
  paths: string[];
}

interface ResticSnapshot {
  id: string;
  tags?: string[];
  paths?: string[];
  hostname?: string;
}

/**
 * Pickup's snapshots of `host`, from `restic snapshots --json` (no lock: it only reads). A repository
 * that is not there yet holds none, if the target may create it.
 */
export async function listSnapshots(restic: Restic, host: string): Promise<Snapshot[]> {
  const output = await restic.run(['snapshots', '--json', '--no-lock', '--host', host, '--tag', PICKUP_TAG]);
  // restic filters by host already; a snapshot of another host must never be taken for ours.
  return pickupSnapshots(output).get(host) ?? [];
}

/**
 * Pickup's snapshots of every host in the repository, by the host each records: one `restic snapshots`
 * (no lock), however many hosts there are.
 */
export async function snapshotsByHost(restic: Restic): Promise<Map<string, Snapshot[]>> {
  return pickupSnapshots(await restic.run(['snapshots', '--json', '--no-lock', '--tag', PICKUP_TAG]));
}

/** The snapshots of a `restic snapshots --json` that carry a run id, by host. */
function pickupSnapshots(output: string): Map<string, Snapshot[]> {
  const byHost = new Map<string, Snapshot[]>();
  for (const snapshot of (JSON.parse(output || '[]') as ResticSnapshot[] | null) ?? []) {
    const runId = snapshot.tags?.find((tag) => tag.startsWith(RUN_TAG))?.slice(RUN_TAG.length);
    if (!snapshot.hostname || !runId || !isRunId(runId)) continue;
    const ofHost = byHost.get(snapshot.hostname) ?? [];
    byHost.set(snapshot.hostname, ofHost);
    ofHost.push({ id: snapshot.id, runId, paths: snapshot.paths ?? [] });
  }
  return byHost;
}

/** Removes stale locks only (of restic processes that are gone): never one a live process holds. */
export async function unlockStale(restic: Restic): Promise<void> {
  await restic.run(['unlock']);
}

/**
 * Runs an operation that a lock of another restic process stops: a stale one (its process is gone) is
 * removed and the operation tried again at once; a live one (another host's backup) is waited for, up
 * to `waitSeconds`, then its holder is named in the error.
 */
export async function despiteLocks<T>(restic: Restic, waitSeconds: number, operation: () => Promise<T>): Promise<T> {
  const retry = lockRetry(restic, waitSeconds);
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!(await retry(error))) throw error;
    }
  }
}

/**
 * Decides, for each failure of an operation, whether to try it again: after a lock error, once stale
 * locks are removed (at once the first time, then after a pause) until `waitSeconds` have passed.
 */
function lockRetry(restic: Restic, waitSeconds: number): (error: unknown) => Promise<boolean> {
  const deadline = Date.now() + waitSeconds * 1000;
  let pause = 0;
  return async (error) => {
    // The first retry, once stale locks are gone, is always made; waiting for a live one is bounded.
    if (!isLocked(error) || (pause > 0 && Date.now() + pause > deadline)) return false;
    if (pause > 0) {
      restic.setup.log.info(`${(error as Error).message}; trying again in ${pause / 1000} s`);
      await sleep(pause, undefined, { signal: restic.setup.signal });
    }
    pause = Math.min(Math.max(pause * 2, 1000), 15_000);
    await unlockStale(restic);
    return true;
  };
}
