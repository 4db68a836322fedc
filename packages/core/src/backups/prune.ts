import { hostname } from 'node:os';
import { isLockedError, messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { applyRetention, FUTURE, type RetentionDecision, type RetentionPolicy } from '../model/retention.js';
import type { StoredBackup, TargetHandle } from './stored.js';

export interface PrunePlan {
  /** Every complete backup whose every source succeeded, newest first, with keep or remove and why. */
  decisions: RetentionDecision<StoredBackup>[];
  /**
   * Backups where a source failed or was partial, or made with --only. They never count for the rules
   * (a run that half failed, or backed up one source, must not push out full backups). With a policy,
   * those older than the newest full backup are removed; newer ones are kept, as the best there is.
   */
  partial: { backup: StoredBackup; keep: boolean; why: string }[];
  /** Backups whose manifest cannot be read: kept, and reported. */
  damaged: StoredBackup[];
  /** Remains of pushes that did not finish, older than the newest complete backup: removed. */
  incomplete: StoredBackup[];
}

/**
 * What retention does at one target. Only complete backups count; a push that never finished is
 * removed once a newer backup is complete, never before (it may still be going on).
 */
export function planPrune(
  backups: readonly StoredBackup[],
  policy: RetentionPolicy | undefined,
  host = hostname(),
  now = new Date(),
): PrunePlan {
  // Like restic's grouping by host: backups another machine stored at the same place are not ours to thin out.
  const readable = backups.filter((backup) => backup.complete && !backup.damaged && backup.manifest!.host === host);
  const good = readable.filter((backup) => backup.manifest!.status === 'complete' && !backup.manifest!.onlySources);
  // A backup dated in the future (a clock gone wrong) is never what "newest" is measured from.
  const newestOf = (list: StoredBackup[]) =>
    list
      .filter((backup) => backup.time <= now)
      .reduce<Date | undefined>(
        (latest, backup) => (!latest || backup.time > latest ? backup.time : latest),
        undefined,
      );
  const newest = newestOf(readable);
  const newestGood = newestOf(good);
  const hasPolicy = policy !== undefined && Object.keys(policy).some((key) => key !== 'timeZone');
  return {
    decisions: applyRetention(good, policy, now),
    partial: readable
      .filter((backup) => !good.includes(backup))
      .map((backup) => {
        const kind = backup.manifest!.onlySources ? 'some sources only' : 'partial';
        if (!hasPolicy) return { backup, keep: true, why: `${kind}, no retention policy` };
        const keep = newestGood === undefined || backup.time > newestGood;
        return { backup, keep, why: keep ? `${kind}, newer than every complete backup` : `${kind}, superseded` };
      }),
    damaged: backups.filter((backup) => backup.damaged),
    incomplete: backups.filter((backup) => !backup.complete && newest !== undefined && backup.time < newest),
  };
}

export interface PruneResult {
  removed: string[];
  kept: number;
  /** Complete backups at the target after this pass (with `dryRun`: after it would have removed). */
  held: number;
}

/** Applies retention at a target now. With `dryRun` it only says what it would do. */
export async function pruneTarget(
  target: TargetHandle,
  policy: RetentionPolicy | undefined,
  log: Logger,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<PruneResult> {
  const scoped = log.child({ target: target.name });
  const listed = await target.list();
  const plan = planPrune(listed, policy);
  for (const backup of plan.damaged) scoped.warn(`kept ${backup.id}: ${backup.damaged}`);
  for (const { backup } of plan.decisions.filter((decision) => decision.reasons.includes(FUTURE))) {
    scoped.warn(
      `kept ${backup.id}: it is dated in the future (was this machine's clock wrong?); it counts for no retention rule until its time has come`,
    );
  }
  const doomed = [
    ...plan.decisions
      .filter((decision) => !decision.keep)
      .map((decision) => ({ id: decision.backup.id, why: 'retention' })),
    ...plan.partial.filter((entry) => !entry.keep).map((entry) => ({ id: entry.backup.id, why: entry.why })),
    ...plan.incomplete.map((backup) => ({ id: backup.id, why: 'incomplete' })),
  ];
  if (dryRun) {
    for (const decision of plan.decisions) {
      scoped.info(
        `${decision.keep ? 'keep  ' : 'remove'} ${decision.backup.id}${decision.keep ? ` (${decision.reasons.join(', ')})` : ''}`,
      );
    }
    for (const { backup, keep, why } of plan.partial)
      scoped.info(`${keep ? 'keep  ' : 'remove'} ${backup.id} (${why})`);
    for (const backup of plan.incomplete) scoped.info(`remove ${backup.id} (incomplete)`);
  }
  const removed: string[] = [];
  let locked = 0;
  if (!dryRun) {
    try {
      await removeEach(target, doomed, removed, scoped, () => locked++);
    } finally {
      // Once per pass, also after a removal that failed: what was removed before it is reclaimed.
      if (removed.length > 0 && target.reclaim) {
        scoped.info(`reclaiming the space of ${removed.length} removed backup${removed.length === 1 ? '' : 's'}`);
        await target.reclaim();
      }
    }
  }
  const kept =
    plan.decisions.filter((decision) => decision.keep).length +
    plan.partial.filter((entry) => entry.keep).length +
    locked;
  const gone = new Set(dryRun ? doomed.map(({ id }) => id) : removed);
  const held = listed.filter((backup) => backup.complete && !gone.has(backup.id)).length;
  return { removed: [...gone], kept, held };
}

/** Removes each backup in turn; one the storage keeps under object lock is counted, not failed. */
async function removeEach(
  target: TargetHandle,
  doomed: readonly { id: string; why: string }[],
  removed: string[],
  log: Logger,
  onLocked: () => void,
): Promise<void> {
  for (const { id, why } of doomed) {
    try {
      await target.remove(id);
    } catch (error) {
      // Object lock: the storage refuses, as it should until the date. Kept, not an error of the run.
      if (!isLockedError(error)) throw error;
      onLocked();
      log.info(`kept ${id} (${why}, but ${messageOf(error)})`);
      continue;
    }
    removed.push(id);
    log.info(`removed ${id} (${why})`);
  }
}
