import { ExitCode } from '../errors.js';
import { selectTargets, targetHandle, type StoredBackup } from '../backups/stored.js';
import { withPlan, type CommandOptions } from './session.js';

/** What one target holds, or why it could not be listed. */
export interface ListedTarget {
  name: string;
  /** Newest first. */
  backups?: StoredBackup[];
  error?: string;
}

export interface ListResult {
  exitCode: number;
  /** Absent when the config could not be opened. */
  targets?: ListedTarget[];
}

/** `pickup list`: the backups each target holds; a target that cannot be read is an error (exit 1). */
export async function pickupList(options: CommandOptions & { target?: string | undefined }): Promise<ListResult> {
  let targets: ListedTarget[] | undefined;
  const exitCode = await withPlan(options, async (plan, log) => {
    const signal = new AbortController().signal;
    const listed: ListedTarget[] = [];
    for (const planned of selectTargets(plan, options.target)) {
      try {
        listed.push({ name: planned.name, backups: await targetHandle(plan, planned, log, signal).list() });
      } catch (error) {
        listed.push({ name: planned.name, error: (error as Error).message });
        log.error({ target: planned.name }, `cannot list its backups: ${(error as Error).message}`);
      }
    }
    targets = listed;
    return listed.some((target) => target.error) ? ExitCode.partial : ExitCode.ok;
  });
  return { exitCode, ...(targets ? { targets } : {}) };
}
